// Writes counts.json: the token counts of each *.txt file here under the
// cl100k_base and o200k_base vocabularies, the reference the promptsize
// tests hold Floor against. Run it from this folder after changing a text:
//   npm install js-tiktoken@1.0.21 && node count.mjs *.txt > counts.json
import { getEncoding } from "js-tiktoken";
import { readFileSync } from "node:fs";

const encodings = { cl100k_base: getEncoding("cl100k_base"), o200k_base: getEncoding("o200k_base") };
const counts = {};
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  counts[file.split("/").pop()] = Object.fromEntries(
    Object.entries(encodings).map(([name, enc]) => [name, enc.encode(text).length]));
}
console.log(JSON.stringify(counts, null, 2));
