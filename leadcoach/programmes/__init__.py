"""Programmes run by HR: cohorts and their rounds with the cohort review (`cohorts`),
reviews shared per data version (`cohort_reviews`) and the roster import (`roster`). It may
import the domains below it (measurement, assessment, instrument, people) and
`leadcoach.platform`, never `leadcoach.coaching`."""
