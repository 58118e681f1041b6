import fs from "node:fs";
import path from "node:path";

/**
 * The common start of a delivery benchmark's data: a fresh SQLite database in `dir`, one user,
 * and one stored audio file of `audioBytes` deterministic bytes (also left at `audioPath` for the
 * bare reference server to send). Returns the app's modules for the rest of the seeding.
 */
export async function seedUserWithAudio(dir: string, opts: { email: string; password: string; name: string; audioBytes: number }) {
  process.env.DATA_DIR = dir;
  delete process.env.DATABASE_URL;
  const { resetEnvForTests } = await import("@/lib/env");
  const { closeConnection, db, tables } = await import("@/db");
  const { resetStorageForTests, getStorage, newStorageKey } = await import("@/lib/storage");
  const { hashPassword } = await import("@/lib/auth/password");
  const { newId } = await import("@/lib/ids");
  await closeConnection();
  resetEnvForTests();
  resetStorageForTests();
  const { migrateDatabase } = await import("@/db/migrate");
  await migrateDatabase();

  const now = new Date();
  const userId = newId();
  await db.insert(tables.users).values({ id: userId, email: opts.email, name: opts.name, passwordHash: await hashPassword(opts.password), createdAt: now, updatedAt: now });
  const audio = Buffer.alloc(opts.audioBytes);
  for (let i = 0; i < audio.length; i++) audio[i] = (i * 2654435761) >>> 24;
  const audioPath = path.join(dir, "audio.bin");
  fs.writeFileSync(audioPath, audio);
  const key = newStorageKey("out");
  const copy = path.join(dir, "audio-copy.bin");
  fs.copyFileSync(audioPath, copy); // putFile moves its file
  await getStorage().putFile(key, copy);
  const fileId = newId();
  await db.insert(tables.mediaFiles).values({ id: fileId, ownerId: userId, kind: "audio", originalFilename: "a.mp3", storageKey: key, mimeType: "audio/mpeg", sizeBytes: opts.audioBytes, sha256: opts.name.toLowerCase(), durationSeconds: 600, createdAt: now });
  return { db, tables, newId, now, userId, fileId, audioPath, closeConnection };
}
