"""The pages, one thin file per page and one folder per role: they gather input, call the
core and draw what it returns (Streamlit runs each file as a script; st.navigation in
`leadcoach/ui/app.py` lists them)."""
