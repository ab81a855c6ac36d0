#!/usr/bin/python3
"""Reads an iCalendar feed with Python's icalendar (Debian python3-icalendar),
an independent parser, and prints what it found as JSON for test_web_pages:
each event's UID, SUMMARY, LOCATION, STATUS, SEQUENCE, its start and end in
UTC (ISO 8601), their TZID and UTC offset in hours, and every property name
used, so the C test can check times across the clock change and that no
event carries anything but what it may."""
import json
import sys
from datetime import datetime, timezone

import icalendar

with open(sys.argv[1], 'rb') as f:
    cal = icalendar.Calendar.from_ical(f.read())
out = {'version': str(cal.get('VERSION')), 'timezones': [str(tz.get('TZID')) for tz in cal.walk('VTIMEZONE')],
       'events': []}
for ev in cal.walk('VEVENT'):
    def when(key):
        prop = ev.get(key)
        v = prop.dt
        if not isinstance(v, datetime):
            return {'date': v.isoformat()}
        return {'utc': v.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
                'tzid': prop.params.get('TZID'), 'offset_hours': v.utcoffset().total_seconds() / 3600,
                'local': v.strftime('%Y-%m-%dT%H:%M')}
    out['events'].append({'uid': str(ev.get('UID')), 'summary': str(ev.get('SUMMARY')),
                          'location': str(ev.get('LOCATION', '')), 'status': str(ev.get('STATUS')),
                          'sequence': int(ev.get('SEQUENCE', 0)), 'start': when('DTSTART'), 'end': when('DTEND'),
                          'properties': sorted(ev.keys())})
print(json.dumps(out, sort_keys=True))
