import { benchExecutorOverhead } from "./executor-overhead";
import { benchPublishing } from "./publishing";

/** `npm run bench`: every benchmark, one after the other. */
async function main() {
  await benchExecutorOverhead();
  await benchPublishing();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
