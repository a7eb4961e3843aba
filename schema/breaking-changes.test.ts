import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, visit, type FieldDefinitionNode } from 'graphql';
import { API_PATH, compose } from './compose';
import { byVersion, CHANGELOG, compareSchemas, deprecatedElements, describeRefusals, lastRelease, releasedVersions } from './breaking-changes';

/*
 * The breaking-change check (npm run schema:check, and here in every test run): the public API
 * schema may change a released element only after a release that marked it @deprecated.
 */
const root = join(__dirname, '..');
const released = lastRelease()!;

/** The public API schema as it would be after an edit of one subgraph's SDL. */
function apiAfter(subgraph: string, typeName: string, fieldName: string, edit: (field: FieldDefinitionNode) => FieldDefinitionNode | null): string {
  let found = false;
  const change = (sdl: string) =>
    print(
      visit(parse(sdl), {
        ObjectTypeDefinition: (type) => ({
          ...type,
          fields: type.name.value !== typeName ? type.fields : type.fields?.flatMap((field) => {
            if (field.name.value !== fieldName) return [field];
            found = true;
            const edited = edit(field);
            return edited ? [edited] : [];
          }),
        }),
      }),
    );
  const { api } = compose((name, sdl) => (name === subgraph ? change(sdl) : sdl));
  if (!found) throw new Error(`${typeName}.${fieldName} is not in ${subgraph}'s SDL`);
  return api;
}

describe('breaking changes against the last released schema', () => {
  it('schema/api.graphql breaks nothing the last release did not deprecate', async () => {
    const { refused } = await compareSchemas(released.sdl, readFileSync(API_PATH, 'utf8'));
    // On failure, the check's own report says what broke and what to do.
    expect(refused.length === 0 ? 'none' : describeRefusals(released.version, refused)).toBe('none');
  });

  it('refuses removing a field that was not deprecated, and says what to do instead', async () => {
    const api = apiAfter('community', 'Wish', 'supporters', () => null);
    const { refused } = await compareSchemas(released.sdl, api);
    expect(refused.map((c) => c.path)).toEqual(['Wish.supporters']);
    const report = describeRefusals(released.version, refused);
    expect(report).toContain("Field 'supporters' was removed from object type 'Wish'");
    expect(report).toContain('@deprecated');
    expect(report).toContain(CHANGELOG);
  });

  it('refuses making a field nullable that clients read as never null', async () => {
    const api = apiAfter('community', 'Wish', 'title', (field) => ({ ...field, type: field.type.kind === Kind.NON_NULL_TYPE ? field.type.type : field.type }));
    const { refused } = await compareSchemas(released.sdl, api);
    expect(refused.map((c) => c.message)).toEqual(["Field 'Wish.title' changed type from 'String!' to 'String'"]);
  });

  it('allows removing a field the release had deprecated', async () => {
    const api = apiAfter('projects', 'Project', 'themes', () => null);
    const { refused, allowed } = await compareSchemas(released.sdl, api);
    expect(refused).toEqual([]);
    expect(allowed.map((c) => c.path)).toEqual(['Project.themes']);
  });

  it('reads release versions as numbers: 1.10.0 comes after 1.9.0', () => {
    expect(['1.10.0', '1.9.0', '2.0.0', '1.9.10'].sort(byVersion)).toEqual(['1.9.0', '1.9.10', '1.10.0', '2.0.0']);
    expect(releasedVersions()).toContain('1.0.0');
  });

  it('the schema changelog has a section for every release', () => {
    const changelog = readFileSync(join(root, CHANGELOG), 'utf8');
    for (const version of releasedVersions()) expect(changelog).toMatch(new RegExp(`^## ${version.replace(/\./g, '\\.')} `, 'm'));
  });

  it("the changelog names every element the last release deprecated, so clients know what will go", () => {
    const changelog = readFileSync(join(root, CHANGELOG), 'utf8');
    const section = changelog.slice(changelog.search(new RegExp(`^## ${released.version.replace(/\./g, '\\.')} `, 'm'))).split(/^## /m)[1];
    const named = [...section.matchAll(/^\| `([\w.]+)` \|/gm)].map((m) => m[1]).sort();
    expect(named).toEqual(deprecatedElements(released.sdl));
  });
});
