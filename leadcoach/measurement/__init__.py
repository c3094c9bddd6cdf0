"""Measurement: the statistics behind every figure (`psychometrics`, `spread`), the
reliability that judges real change (`reliability`), norm groups and percentiles
(`norms`) and the instrument-quality review (`quality`). It may import `leadcoach.assessment`,
`leadcoach.instrument`, `leadcoach.people` and `leadcoach.platform`."""
