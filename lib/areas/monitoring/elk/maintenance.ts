/**
 * The weekly maintenance window of the answers as a Kibana maintenance window (body of
 * `POST /api/maintenance_window`, Kibana 9.1 and later): it silences the project's warning rules while it runs,
 * as the other stacks mute warnings; critical alerts still page. Kibana repeats the first occurrence weekly in
 * the answers' time zone, so the window is placed in a fixed week (starting Monday 2026-01-05) for stable output.
 */
import type { MonitoringFacts, WeeklyWindow } from '../../../monitoring/facts.js';

const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const codes = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** Minutes the zone is ahead of UTC at that moment. */
const offsetMinutes = (utc: number, timeZone: string): number => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(utc))
      .map((part) => [part.type, part.value]),
  );
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  return Math.round((local - utc) / 60000);
};

/** The UTC moment of a wall-clock time in a time zone. */
const zonedToUtc = (day: number, time: string, timeZone: string): Date => {
  const [hours, minutes] = time.split(':').map(Number);
  const wall = Date.UTC(2026, 0, 5 + day, hours, minutes);
  return new Date(wall - offsetMinutes(wall, timeZone) * 60000);
};

export const windowSchedule = (window: WeeklyWindow) => {
  const first = window.days[0];
  const last = window.days[window.days.length - 1];
  const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));
  const duration = (window.days.length - 1) * 1440 + toMinutes(last.end) - toMinutes(first.start);
  const day = weekdays.indexOf(first.weekday);
  return {
    start: zonedToUtc(day, first.start, window.timezone).toISOString(),
    duration: duration % 60 === 0 ? `${duration / 60}h` : `${duration}m`,
    timezone: window.timezone,
    recurring: { every: '1w', onWeekDay: [codes[day]] },
  };
};

export const maintenanceWindow = (facts: MonitoringFacts) =>
  facts.maintenance
    ? {
        title: `${facts.project} maintenance (${facts.maintenance.text}, ${facts.maintenance.timezone})`,
        enabled: true,
        schedule: { custom: windowSchedule(facts.maintenance) },
        scope: { alerting: { query: { kql: `kibana.alert.rule.tags : "${facts.project}" and kibana.alert.rule.tags : "severity:warning"` } } },
      }
    : undefined;
