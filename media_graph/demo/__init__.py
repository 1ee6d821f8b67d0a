"""Demo content for `manage.py seed_demo`: image recipes and the data set."""
