"""Taking the self-assessment: drafts and answers saved as given, submission with its
scores in one transaction (`responses`), the step-by-step journey (`journey`), a person's
own results and growth (`results`), and query pieces over submissions (`submissions`).
It may import `leadcoach.instrument`, `leadcoach.people` and `leadcoach.platform`."""
