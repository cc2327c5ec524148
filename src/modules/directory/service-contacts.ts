import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../core/db/tx.ts';
import { notFound } from '../../core/errors.ts';
import { defineUseCase, type UseCaseRun } from '../../core/module/use-case.ts';
import { uuid } from '../../core/validation/input.ts';
import { checkWrite, contactVisibleSql, requireManagePerson, sqlUuids } from './service-access.ts';
import { contactInput } from './service-input.ts';
import { findPerson } from './service-rows.ts';

export type Contact = {
  id: string;
  personId: string;
  kind: string;
  value: string;
  confidentiality: 'public' | 'network' | 'restricted';
};

/**
 * Contact details of these people that the reader may see. The visibility rule is in the SQL;
 * every person whose restricted details were returned gets a `read_restricted` audit event
 * (through the use case's `restrictedRead`, in `db`, the transaction of the read).
 */
export async function visibleContacts(
  uc: Pick<UseCaseRun<unknown>, 'ctx' | 'restrictedRead'>,
  db: DbOrTx,
  personIds: string[],
): Promise<Map<string, Contact[]>> {
  const out = new Map<string, Contact[]>();
  if (personIds.length === 0) return out;
  const r = await db.execute<Contact>(sql`
    SELECT c.id, c.person_id AS "personId", c.kind, c.value, c.confidentiality
    FROM person_contacts c
    WHERE c.person_id = ANY(${sqlUuids(personIds)}) AND ${contactVisibleSql(uc.ctx)}
    ORDER BY c.person_id, c.kind, c.created_at, c.id`);
  const restrictedRead = new Set<string>();
  for (const c of r.rows) {
    const list = out.get(c.personId) ?? [];
    list.push(c);
    out.set(c.personId, list);
    if (c.confidentiality === 'restricted') restrictedRead.add(c.personId);
  }
  for (const personId of restrictedRead) {
    const contacts = out
      .get(personId)!
      .filter((c) => c.confidentiality === 'restricted')
      .map((c) => c.id);
    await uc.restrictedRead('directory_person_contacts', personId, { contacts }, db);
  }
  return out;
}

/** Add a contact detail (restricted unless said otherwise). The audit keeps no copy of the value. */
export const addContact = defineUseCase({
  name: 'directory.addContact',
  kind: 'write',
  audit: 'directory_person_contacts',
  allow: checkWrite,
  input: contactInput,
  run: async (uc): Promise<Contact> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    await requireManagePerson(tx, ctx, v.personId);
    const person = await findPerson(tx, v.personId);
    if (!person) throw notFound('person');
    const r = await tx.execute<Contact>(sql`
      INSERT INTO person_contacts (person_id, kind, value, confidentiality, created_at)
      VALUES (${v.personId}, ${v.kind}, ${v.value}, ${v.confidentiality}, ${ctx.now.toISOString()})
      RETURNING id, person_id AS "personId", kind, value, confidentiality`);
    const c = r.rows[0];
    await uc.audit({
      action: 'create',
      entityId: v.personId,
      after: { id: c.id, kind: c.kind, confidentiality: c.confidentiality },
    });
    return c;
  },
});

export const removeContact = defineUseCase({
  name: 'directory.removeContact',
  kind: 'write',
  audit: 'directory_person_contacts',
  allow: checkWrite,
  input: z.object({ id: uuid }).strict(),
  run: async (uc): Promise<void> => {
    const { ctx } = uc;
    const { id } = uc.input;
    const tx = ctx.db;
    const r = await tx.execute<{ person_id: string; kind: string; confidentiality: string }>(
      sql`SELECT person_id, kind, confidentiality FROM person_contacts WHERE id = ${id} FOR UPDATE`,
    );
    const row = r.rows[0];
    if (!row) throw notFound('contact');
    await requireManagePerson(tx, ctx, row.person_id);
    await tx.execute(sql`DELETE FROM person_contacts WHERE id = ${id}`);
    await uc.audit({
      action: 'delete',
      entityId: row.person_id,
      before: { id, kind: row.kind, confidentiality: row.confidentiality },
    });
  },
});
