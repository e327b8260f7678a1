import { DateTime } from 'luxon';

/** The warnings Timly gives before a token expires, least urgent first, then the expiry. */
export const THRESHOLDS = ['two_months', 'one_month', 'ten_days', 'expired'] as const;
export type Threshold = (typeof THRESHOLDS)[number];

export const THRESHOLD_LABELS: Record<Threshold, string> = {
  two_months: '2 months',
  one_month: '1 month',
  ten_days: '10 days',
  expired: 'expired',
};

/** When one threshold of one token falls due. */
export interface ThresholdDue {
  threshold: Threshold;
  dueAt: Date;
}

/** The expiry's calendar date in the account's time zone. */
export function expiryDate(expiresAt: Date, timezone: string): DateTime {
  return DateTime.fromJSDate(expiresAt, { zone: timezone }).startOf('day');
}

/**
 * When each threshold falls due: warnings at `notifyHour` local time on the day 2 calendar
 * months, 1 calendar month and 10 days before the expiry date (luxon clamps month ends, so one
 * month before 31 March is the last day of February); the expiry alert at the expiry itself.
 */
export function thresholdSchedule(
  expiresAt: Date,
  timezone: string,
  notifyHour: number,
): ThresholdDue[] {
  const day = expiryDate(expiresAt, timezone);
  const at = (date: DateTime) => date.set({ hour: notifyHour, minute: 0 }).toJSDate();

  return [
    { threshold: 'two_months', dueAt: at(day.minus({ months: 2 })) },
    { threshold: 'one_month', dueAt: at(day.minus({ months: 1 })) },
    { threshold: 'ten_days', dueAt: at(day.minus({ days: 10 })) },
    { threshold: 'expired', dueAt: expiresAt },
  ];
}

/** The most urgent threshold already due at `now`, if any: only that one is ever posted. */
export function mostUrgentDue(
  expiresAt: Date,
  timezone: string,
  notifyHour: number,
  now: Date,
): Threshold | undefined {
  const due = thresholdSchedule(expiresAt, timezone, notifyHour).filter((t) => t.dueAt <= now);
  return due.at(-1)?.threshold;
}

/** The next threshold still to come after `now`, for `accounts list`. */
export function nextThreshold(
  expiresAt: Date,
  timezone: string,
  notifyHour: number,
  now: Date,
): ThresholdDue | undefined {
  return thresholdSchedule(expiresAt, timezone, notifyHour).find((t) => t.dueAt > now);
}

/** Whole calendar days from today (in the account's zone) to the expiry date; negative after. */
export function daysLeft(expiresAt: Date, timezone: string, now: Date): number {
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
  return Math.round(expiryDate(expiresAt, timezone).diff(today, 'days').days);
}

/** The instant a token given as a date expires: the start of that day in the account's zone. */
export function expiryFromDate(date: string, timezone: string): Date {
  const parsed = DateTime.fromISO(date, { zone: timezone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !parsed.isValid) {
    throw new Error(`"${date}" is not a date of the form YYYY-MM-DD`);
  }
  // Timly tokens live a year; anything outside this range is a typo, not a token.
  if (parsed.year < 2000 || parsed.year > 2999) {
    throw new Error(`"${date}" is not a plausible expiry date (years 2000 to 2999)`);
  }
  return parsed.startOf('day').toJSDate();
}

/** True when `timezone` is an IANA zone that luxon knows. */
export function isValidTimezone(timezone: string): boolean {
  return DateTime.now().setZone(timezone).isValid;
}

/** The expiry as a date an admin reads, e.g. "1 February 2027". */
export function formatDate(date: Date, timezone: string): string {
  return DateTime.fromJSDate(date, { zone: timezone }).toFormat('d MMMM yyyy');
}

/** A moment as an admin reads it, with the zone, e.g. "3 December 2026, 09:00 CET". */
export function formatDateTime(date: Date, timezone: string): string {
  return DateTime.fromJSDate(date, { zone: timezone }).toFormat('d MMMM yyyy, HH:mm ZZZZ');
}
