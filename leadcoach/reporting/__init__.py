"""What leaves the app: Altair chart builders (`charts`), audited exports (`exports`) and the
words a person reads for the core's codes (`vocabulary`).
It may import every domain package and `leadcoach.platform`, never `leadcoach.ui`."""
