"""Programmes run by HR: cohorts and their rounds with the cohort review (`cohorts`),
reviews shared per data version (`cohort_reviews`), the roster import (`roster`), team KPIs,
their import and views (`kpis`, `kpi_views`, `work_plans`), and the reading of uploaded CSV
and XLSX files both imports share (`spreadsheets`). It may
import the domains below it (measurement, assessment, instrument, people) and
`leadcoach.platform`, never `leadcoach.coaching`."""
