"""Streamlit-side helpers shared by the pages (language, elder mode, dataset in use)."""
