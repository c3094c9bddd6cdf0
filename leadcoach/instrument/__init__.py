"""The questionnaire as an instrument: loading and validating the YAML bank (`bank`),
freezing each used version in the database (`instruments`) and scoring answers into skill
scores (`scoring`). It may import only `leadcoach.platform`."""
