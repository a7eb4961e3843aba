/**
 * The formats against C2SP's own examples: the signed-note example (c2sp.org/signed-note, "Verifier keys"), the
 * checkpoint example (c2sp.org/tlog-checkpoint) and the cosigned checkpoint with its signed message
 * (c2sp.org/tlog-cosignature). The texts are copied from the C2SP specifications.
 */
import { checkNoteSignature, cosignatureMessage, cosignatureTime, parseCheckpoint, parseNote, parseVkey, COSIGNATURE_V1, keyId, FormatError } from '../src/note';

const VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const NOTE = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
const CHECKPOINT = `example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==
`;
const COSIGNED_MESSAGE = `cosignature/v1
time 1679315147
example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
`;

describe('C2SP signed-note', () => {
  it('verifies the example note with the example vkey', () => {
    const vkey = parseVkey(VKEY);
    expect(vkey).toMatchObject({ name: 'example.com/foo', type: 0x01 });
    expect(vkey.keyId.toString('hex')).toBe('530d903a');
    const note = parseNote(NOTE);
    expect(note.text).toBe('This is an example message.\n');
    expect(checkNoteSignature(note, vkey)).toBe('verified');
  });

  it('refuses the example note when one byte of its text changes', () => {
    expect(checkNoteSignature(parseNote(NOTE.replace('example message', 'example massage')), parseVkey(VKEY))).toBe('bad');
  });

  it('ignores a signature of a key with the same name and another ID, as the spec says verifiers must', () => {
    const other = NOTE.replace('Uw2QOk', 'AAAAAk');
    expect(checkNoteSignature(parseNote(other), parseVkey(VKEY))).toBe('absent');
  });

  it('refuses a vkey whose key ID does not belong to its key, and malformed notes', () => {
    expect(() => parseVkey(VKEY.replace('530d903a', '530d903b'))).toThrow(FormatError);
    expect(() => parseNote('no signatures\n')).toThrow(FormatError);
    expect(() => parseNote(NOTE.replace('\n\n', '\n\u0007\n'))).toThrow(FormatError);
    expect(() => parseNote(NOTE.slice(0, -1))).toThrow(FormatError);
    expect(() => parseNote(NOTE.replace('— example.com/foo', '— example.com/f+o'))).toThrow(FormatError);
  });
});

describe('C2SP tlog-checkpoint and tlog-cosignature', () => {
  it('reads the example checkpoint: origin, size, root and both signature lines', () => {
    const checkpoint = parseCheckpoint(CHECKPOINT);
    expect(checkpoint.origin).toBe('example.com/behind-the-sofa');
    expect(checkpoint.size).toBe(20852163);
    expect(checkpoint.rootHash.toString('base64')).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    expect(checkpoint.note.signatures.map((s) => s.name)).toEqual(['example.com/behind-the-sofa', 'witness.example.com/w1']);
  });

  it('reads the example cosignature as key ID, 8-byte time and a 64-byte signature, and builds its signed message', () => {
    const checkpoint = parseCheckpoint(CHECKPOINT);
    const cosignature = checkpoint.note.signatures[1];
    expect(cosignature.keyId.toString('hex')).toBe('8d66cf3f');
    expect(cosignature.body).toHaveLength(72);
    expect(cosignatureTime(cosignature)).toBe(1679315147);
    expect(cosignatureMessage(1679315147, checkpoint.note.text)).toBe(COSIGNED_MESSAGE);
  });

  it('gives cosignature keys their own key ID (type 0x04), not the note key ID of the same key', () => {
    const key = parseVkey(VKEY).publicKey;
    expect(keyId('example.com/foo', COSIGNATURE_V1, key).toString('hex')).not.toBe('530d903a');
  });

  it('refuses checkpoints that break the format', () => {
    const signed = (text: string) => `${text}\n— a.example/log AAAAAAAA\n`;
    expect(() => parseCheckpoint(signed('o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'))).toThrow('tree size');
    expect(() => parseCheckpoint(signed('o\n1\nnot-base64\n'))).toThrow('root hash');
    expect(() => parseCheckpoint(signed('o\n1\n'))).toThrow('three lines');
  });
});
