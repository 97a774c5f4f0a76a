"""The Textual app. Holds no IBB rule: it asks ``process``/``editing`` and tells ``store`` to save."""
