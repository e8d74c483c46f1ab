// Read UTC instants on the wall clock of one of an .ics file's VTIMEZONEs, as ical.js (Thunderbird,
// Nextcloud) does: `node wall_clock.mjs FILE TZID` with a JSON list of ISO instants on stdin prints
// the JSON list of their wall-clock times (YYYY-MM-DDTHH:MM:SS). Only the file's own definition is used.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
const [definition] = calendar.getAllSubcomponents("vtimezone").filter((tz) => tz.getFirstPropertyValue("tzid") === process.argv[3]);
const zone = new ICAL.Timezone(definition);
const instants = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(instants.map((instant) => ICAL.Time.fromJSDate(new Date(instant), true).convertToZone(zone).toString())));
