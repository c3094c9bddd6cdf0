"""What leaves the app: Altair chart builders (`charts`), audited exports (`exports`) and the
words a person reads for the core's codes (`vocabulary`); the reports people keep (issue 24):
a person's PDF (`person_report`), the cohort's PDF (`cohort_report`) and workbook
(`workbook`), a ZIP of a cohort's reports (`batch`), made with WeasyPrint (`pdf`, templates in
`templates/`) and SVG charts (`svg`).
It may import every domain package and `leadcoach.platform`, never `leadcoach.ui`."""
