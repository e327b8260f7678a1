import { migrateDatabase } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logging.js';

describe('migrateDatabase', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('records every migration once and applies nothing the second time', async () => {
    const again = await migrateDatabase(db.url, silentLogger());

    expect(again).toEqual([]);
    const rows = await db.prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations"`;
    expect(rows.map((row) => row.migration_name)).toContain('20261203000000_init');
  });

  it('creates the schema Agenda keeps its jobs in', async () => {
    const rows = await db.prisma.$queryRaw<{ nspname: string }[]>`
      SELECT nspname FROM pg_namespace WHERE nspname = 'agenda'`;

    expect(rows).toHaveLength(1);
  });
});
