"""Demo content for `manage.py load_demo`: the texts, and the figure drawn with Pillow."""
