// Parse each feed file named on the command line with feedsmith; print [{path, format, feed}] as JSON.
import { readFileSync } from "node:fs";
import { parseFeed } from "feedsmith";

const parsed = process.argv.slice(2).map((path) => {
  const { format, feed } = parseFeed(readFileSync(path, "utf8"));
  return { path, format, feed };
});
process.stdout.write(JSON.stringify(parsed));
