// A run's files in Redis: after every epoch's checkpoint a worker uploads the run's pack (run-pack.ts); a worker
// resuming the run and the coordinator collecting it install the last one. One hash per run: a manifest and the pack.
import type { RunStore } from '../../store/store.js';
import { installRun } from '../../store/run-pack.js';
import type { Redis } from 'ioredis';

/** How long a finished run's files stay in Redis for coordinators to collect. */
export const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

export interface RunSnapshot {
  epoch: number; // the last epoch whose checkpoint the pack holds
  complete: boolean; // the run has finished (its summary is in the pack)
  pack: Buffer;
}

const key = (id: string) => `genlab:run:${id}`;

// Never regress: a duplicate fit of the run (a worker whose lock lapsed) must not replace a later or a finished
// snapshot with an earlier one, so the comparison and the write are one script.
const UPLOAD = `
local m = redis.call('HGET', KEYS[1], 'manifest')
if m then
  local old = cjson.decode(m)
  if old.complete then return 0 end
  if ARGV[4] ~= '1' and tonumber(old.epoch) > tonumber(ARGV[3]) then return 0 end
end
redis.call('HSET', KEYS[1], 'manifest', ARGV[1], 'pack', ARGV[2])
if ARGV[4] == '1' then redis.call('EXPIRE', KEYS[1], ARGV[5]) end
return 1`;

/** Uploads a snapshot unless Redis holds a later or finished one; a reader sees one snapshot, whole. */
export async function uploadRun(redis: Redis, id: string, s: RunSnapshot): Promise<void> {
  const manifest = JSON.stringify({ epoch: s.epoch, complete: s.complete });
  const args = [manifest, s.pack, s.epoch, s.complete ? '1' : '0', KEEP_FINISHED_SECONDS];
  await redis.eval(UPLOAD, 1, key(id), ...args);
}

/** The epoch of the last uploaded snapshot (0 for none). */
export async function uploadedEpoch(redis: Redis, id: string): Promise<number> {
  const text = await redis.hget(key(id), 'manifest');
  return text ? Number((JSON.parse(text) as { epoch: number }).epoch) || 0 : 0;
}

/** The last uploaded snapshot of a run, or null. */
export async function downloadRun(redis: Redis, id: string): Promise<RunSnapshot | null> {
  const [manifest, pack] = await redis.hmgetBuffer(key(id), 'manifest', 'pack');
  if (!manifest || !pack) return null;
  let m: { epoch?: unknown; complete?: unknown };
  try {
    m = JSON.parse(manifest.toString('utf8')) as typeof m;
  } catch {
    return null;
  }
  return { epoch: Number(m.epoch) || 0, complete: m.complete === true, pack };
}

/** Installs a run's last snapshot into a store (its checks refuse paths outside the run); false if there is none. */
export async function installSnapshot(
  redis: Redis,
  store: RunStore,
  id: string,
): Promise<RunSnapshot | null> {
  const s = await downloadRun(redis, id);
  if (!s) return null;
  installRun(store, s.pack, `queue: run ${id}`);
  return s;
}

/** Forgets a run's files (the coordinator re-queues a run whose files expired). */
export async function dropRun(redis: Redis, id: string): Promise<void> {
  await redis.del(key(id));
}
