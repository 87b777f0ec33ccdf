"""Where generated data sets go so that fastai's `untar_data` finds them (`fastai_cache`). The
generators themselves belong to their chapters (`grader/chapters/chN/*_data.py`)."""
