"""Coaching: team overviews and organisation figures (`teams`), side-by-side comparison
(`comparison`), where coaching is needed most (`priorities`, `coaching`), coaching notes
and development plans. It may import the domains below it (measurement, assessment,
instrument, people) and `leadcoach.platform`, never `leadcoach.programmes`."""
