"""What leaves the app: Altair chart builders (`charts`) and audited exports (`exports`).
It may import every domain package and `leadcoach.platform`, never `leadcoach.ui`."""
