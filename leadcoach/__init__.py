"""LeadCoach: leadership self-assessment and coaching for contact-centre supervisors.

The core is grouped by domain (see the README, "How the code is laid out"); `leadcoach.ui`,
`leadcoach.ui` (with the app script and its pages) is the only package that imports Streamlit."""
