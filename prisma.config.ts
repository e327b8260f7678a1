import { defineConfig } from 'prisma/config';

// env() would throw without DATABASE_URL, which breaks `prisma generate` on a fresh machine.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
