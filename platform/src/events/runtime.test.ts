import { parseConfig } from '../config';
import { checkEventSettings, eventSettings } from './runtime';
import { createRecorder } from './outbox';
import { eventType, parseDelivered, toStructured, InvalidEvent } from './envelope';

const settings = (env: Record<string, string>) => ({ ...parseConfig(eventSettings, env), NODE_ENV: env.NODE_ENV ?? 'development' });

describe('EVENTS_RECORDING=false', () => {
  it('is refused in production, with a message naming the setting that allows it', () => {
    expect(() => checkEventSettings(settings({ EVENTS_RECORDING: 'false', NODE_ENV: 'production' }))).toThrow(
      /EVENTS_RECORDING=false .* refused with NODE_ENV=production unless EVENTS_RECORDING_OFF_ALLOWED=true/,
    );
  });

  it('is accepted in production when explicitly allowed, and anywhere else', () => {
    expect(() => checkEventSettings(settings({ EVENTS_RECORDING: 'false', EVENTS_RECORDING_OFF_ALLOWED: 'true', NODE_ENV: 'production' }))).not.toThrow();
    expect(() => checkEventSettings(settings({ EVENTS_RECORDING: 'false', NODE_ENV: 'development' }))).not.toThrow();
    expect(() => checkEventSettings(settings({ NODE_ENV: 'production' }))).not.toThrow();
  });
});

describe('the recorder', () => {
  const untouched = { query: async () => Promise.reject(new Error('nothing may be written')) };

  it('refuses an event its module does not declare, before writing anything', async () => {
    const recorder = createRecorder('projects', ['wish.adopted'], true);
    await expect(recorder.record(untouched, { name: 'wish.eaten', subject: 'wishes/x', neighbourhoodId: '2b0e9ac6-04a4-4c38-9d66-1b5c3d5f3e11', data: {} })).rejects.toThrow(
      /projects records "wish.eaten", which its module does not declare in events.emits/,
    );
  });

  it('refuses a declaration with a name that is not <entity>.<change>', () => {
    expect(() => createRecorder('projects', ['WishAdopted'], true)).toThrow(/not an event name like wish.adopted/);
  });

  it('writes nothing when recording is off', async () => {
    const recorder = createRecorder('projects', ['wish.adopted'], false);
    await expect(recorder.record(untouched, { name: 'wish.adopted', subject: 'wishes/x', neighbourhoodId: '2b0e9ac6-04a4-4c38-9d66-1b5c3d5f3e11', data: {} })).resolves.toBeUndefined();
  });
});

describe('the envelope', () => {
  const stored = {
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    source: '/dbwe/projects',
    type: eventType('projects', 'wish.adopted'),
    subject: 'wishes/7c9e6679-7425-40de-944b-e07fc1f90ae7',
    time: '2026-03-01T10:00:00.000Z',
    neighbourhoodId: '2b0e9ac6-04a4-4c38-9d66-1b5c3d5f3e11',
    sequence: 42,
    data: { wishId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' },
  };

  it('is CloudEvents 1.0 structured JSON with the neighbourhood and its place in the stream as extensions', () => {
    expect(toStructured(stored)).toEqual({
      specversion: '1.0',
      id: stored.id,
      source: '/dbwe/projects',
      type: 'nl.dbwe.projects.wish.adopted',
      subject: stored.subject,
      time: stored.time,
      datacontenttype: 'application/json',
      data: stored.data,
      neighbourhoodid: stored.neighbourhoodId,
      neighbourhoodseq: 42,
    });
    expect(parseDelivered(JSON.parse(JSON.stringify(toStructured(stored))))).toEqual(stored);
  });

  it('is refused on delivery without its extensions or with a foreign source', () => {
    const { neighbourhoodseq: _, ...unsequenced } = toStructured(stored);
    expect(() => parseDelivered(unsequenced)).toThrow(InvalidEvent);
    expect(() => parseDelivered({ ...toStructured(stored), source: 'https://elsewhere.example/' })).toThrow(/not one of the platform's/);
    expect(() => parseDelivered({ ...toStructured(stored), specversion: '0.1' })).toThrow(InvalidEvent);
  });
});
