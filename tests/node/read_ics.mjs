// Read an .ics with ical.js (Mozilla's parser) and print, as JSON, what a calendar client would show:
// each event's UID, SEQUENCE, STATUS, SUMMARY, all-day flag, start and end (UTC instants, or dates for
// all-day events), its IMAGE (RFC 7986) and, for a repeating event, its occurrences. TZIDs resolve
// only through the file's own VTIMEZONEs (ical.js has no time zone database), so wrong or missing
// definitions show up here.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const MAX_OCCURRENCES = 200;
const calendar = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));

for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}

function moment(time) {
  if (time.isDate) {
    return time.toString(); // YYYY-MM-DD
  }
  return new Date(time.toUnixTime() * 1000).toISOString();
}

const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const occurrences = [];
  if (event.isRecurring()) {
    const iterator = event.iterator();
    for (let next = iterator.next(); next && occurrences.length < MAX_OCCURRENCES; next = iterator.next()) {
      const details = event.getOccurrenceDetails(next);
      occurrences.push({ start: moment(details.startDate), end: moment(details.endDate) });
    }
  }
  const image = component.getFirstProperty("image");
  return {
    uid: event.uid,
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    summary: event.summary,
    allDay: event.startDate.isDate,
    tzid: event.startDate.isDate ? null : event.startDate.zone.tzid,
    start: moment(event.startDate),
    end: moment(event.endDate),
    image: image && {
      value: image.getFirstValue(),
      type: image.type,
      display: image.getParameter("display") ?? null,
      fmttype: image.getParameter("fmttype") ?? null,
    },
    occurrences,
  };
});

process.stdout.write(JSON.stringify({
  name: calendar.getFirstPropertyValue("x-wr-calname"),
  method: calendar.getFirstPropertyValue("method"),
  timezones: calendar.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid")),
  events,
}, null, 1));
