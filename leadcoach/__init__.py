"""LeadCoach: leadership self-assessment and coaching for contact-centre supervisors.

The core is grouped by domain (see the README, "How the code is laid out"); `leadcoach.ui`,
`leadcoach.app` and `leadcoach.pages` are the only modules that import Streamlit."""
