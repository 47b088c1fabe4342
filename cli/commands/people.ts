import { maxPhotoBytes, openKnownPeople, personSummary, readPhoto } from '../../operations/known-people';
import type { CliContext, CliOutput } from '../cli-context';

type Summary = ReturnType<typeof personSummary>;

function knownPeople(ctx: CliContext) {
  return openKnownPeople({ backend: ctx.config.backend, rekognition: ctx.clients.rekognition, store: ctx.store });
}

/** Enrols the one face on a photo as a new known person, or as another face of `--person`. */
export async function addPerson(ctx: CliContext, photoPath: string, options: { name: string; tenant: string; person?: string }, out: CliOutput): Promise<Summary> {
  const photo = await readPhoto(photoPath, maxPhotoBytes(ctx.config.backend));
  const person = personSummary(await knownPeople(ctx).index(options.tenant, options.name, photo, options.person ? { personId: options.person } : {}));
  if (!out.json) out.print(`enrolled ${person.name} as ${person.personId} for tenant ${options.tenant} (${person.faces} face${person.faces === 1 ? '' : 's'})`);
  return person;
}

export async function listPeople(ctx: CliContext, options: { tenant: string }, out: CliOutput): Promise<Summary[]> {
  const people = (await knownPeople(ctx).list(options.tenant)).map(personSummary);
  if (!out.json) {
    if (people.length === 0) out.print(`no known people for tenant ${options.tenant}`);
    for (const p of people) out.print(`${p.personId}  ${p.name}  ${p.faces} face${p.faces === 1 ? '' : 's'}  ${p.indexedAt}`);
  }
  return people;
}

/** Forgets a person and every face enrolled for them; an unknown id fails the command. */
export async function removePerson(ctx: CliContext, personId: string, options: { tenant: string }, out: CliOutput): Promise<{ personId: string; removed: true }> {
  if (!(await knownPeople(ctx).remove(options.tenant, personId))) throw new Error(`no known person ${personId} for tenant ${options.tenant}`);
  if (!out.json) out.print(`removed ${personId} and its faces for tenant ${options.tenant}`);
  return { personId, removed: true };
}
