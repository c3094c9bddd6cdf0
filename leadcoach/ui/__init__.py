"""The only package that imports Streamlit: cached resources, the signed-in viewer, widgets."""
