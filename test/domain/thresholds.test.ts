import { DateTime } from 'luxon';
import {
  daysLeft,
  expiryFromDate,
  mostUrgentDue,
  nextThreshold,
  thresholdSchedule,
} from '../../src/domain/thresholds.js';

function local(iso: string, zone: string): Date {
  return DateTime.fromISO(iso, { zone }).toJSDate();
}

function dueDates(expires: string, zone: string, hour = 9): string[] {
  return thresholdSchedule(expiryFromDate(expires, zone), zone, hour).map((due) =>
    DateTime.fromJSDate(due.dueAt, { zone }).toFormat("yyyy-MM-dd'T'HH:mm"),
  );
}

describe.each(['Europe/Zurich', 'America/New_York', 'Pacific/Auckland'])(
  'threshold schedule in %s',
  (zone) => {
    it.each([
      ['2027-03-31', ['2027-01-31T09:00', '2027-02-28T09:00', '2027-03-21T09:00']],
      ['2028-03-31', ['2028-01-31T09:00', '2028-02-29T09:00', '2028-03-21T09:00']],
      ['2027-01-31', ['2026-11-30T09:00', '2026-12-31T09:00', '2027-01-21T09:00']],
      ['2028-04-29', ['2028-02-29T09:00', '2028-03-29T09:00', '2028-04-19T09:00']],
      ['2027-04-30', ['2027-02-28T09:00', '2027-03-30T09:00', '2027-04-20T09:00']],
      ['2027-02-01', ['2026-12-01T09:00', '2027-01-01T09:00', '2027-01-22T09:00']],
    ])('expiry %s clamps month ends to %j', (expires, warnings) => {
      expect(dueDates(expires, zone).slice(0, 3)).toEqual(warnings);
    });

    it('puts the expiry alert at the start of the expiry day', () => {
      expect(dueDates('2027-02-01', zone)[3]).toBe('2027-02-01T00:00');
    });
  },
);

describe('daylight saving change days', () => {
  it('posts at the local notify hour on the day clocks go forward (Zurich, 28 March 2027)', () => {
    const [, , tenDays] = thresholdSchedule(
      expiryFromDate('2027-04-07', 'Europe/Zurich'),
      'Europe/Zurich',
      9,
    );

    expect(tenDays?.dueAt.toISOString()).toBe('2027-03-28T07:00:00.000Z');
  });

  it('posts at the local notify hour on the day clocks go back (New York, 7 Nov 2027)', () => {
    const [, oneMonth] = thresholdSchedule(
      expiryFromDate('2027-12-07', 'America/New_York'),
      'America/New_York',
      9,
    );

    expect(oneMonth?.dueAt.toISOString()).toBe('2027-11-07T14:00:00.000Z');
  });

  it('moves an hour that does not exist forward rather than dropping the warning', () => {
    const [, , tenDays] = thresholdSchedule(
      expiryFromDate('2027-04-07', 'Europe/Zurich'),
      'Europe/Zurich',
      2,
    );

    expect(DateTime.fromJSDate(tenDays!.dueAt, { zone: 'Europe/Zurich' }).hour).toBe(3);
  });
});

describe('mostUrgentDue', () => {
  const zone = 'Europe/Zurich';
  const expires = expiryFromDate('2027-02-01', zone);

  it.each([
    ['2026-11-30T12:00', undefined],
    ['2026-12-01T08:59', undefined],
    ['2026-12-01T09:00', 'two_months'],
    ['2027-01-01T09:00', 'one_month'],
    ['2027-01-25T10:00', 'ten_days'],
    ['2027-02-01T00:00', 'expired'],
    ['2027-06-01T00:00', 'expired'],
  ])('at %s is %s', (now, threshold) => {
    expect(mostUrgentDue(expires, zone, 9, local(now, zone))).toBe(threshold);
  });

  it('uses the account zone, not the server zone: 09:00 Zurich is 03:00 in New York', () => {
    const now = local('2026-12-01T03:30', 'America/New_York');

    expect(mostUrgentDue(expires, zone, 9, now)).toBe('two_months');
    expect(
      mostUrgentDue(expiryFromDate('2027-02-01', 'America/New_York'), 'America/New_York', 9, now),
    ).toBeUndefined();
  });
});

describe('daysLeft and nextThreshold', () => {
  const zone = 'Pacific/Auckland';
  const expires = expiryFromDate('2027-02-01', zone);

  it('counts calendar days in the account zone', () => {
    expect(daysLeft(expires, zone, local('2027-01-22T23:30', zone))).toBe(10);
    expect(daysLeft(expires, zone, local('2027-02-01T08:00', zone))).toBe(0);
    expect(daysLeft(expires, zone, local('2027-02-03T08:00', zone))).toBe(-2);
  });

  it('names the next warning still to come', () => {
    const next = nextThreshold(expires, zone, 9, local('2026-12-15T09:00', zone));

    expect(next?.threshold).toBe('one_month');
  });

  it('rejects a date that is not YYYY-MM-DD', () => {
    expect(() => expiryFromDate('2027-02-30', zone)).toThrow('YYYY-MM-DD');
    expect(() => expiryFromDate('01.02.2027', zone)).toThrow('YYYY-MM-DD');
  });
});
