"""Fixtures for tests that import TensorFlow: one trained model shared by the module."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def builtin_corpus():
    import jazzwidget

    return jazzwidget.load_corpus()


@pytest.fixture(scope="session")
def trained_model(builtin_corpus):
    """A model trained on the built-in corpus, long enough to have learned something."""
    import keras

    import jazzwidget

    keras.utils.set_random_seed(7)
    # The seed's plain training (no dropout, every epoch kept): it learns the corpus closely.
    model = jazzwidget.JazzModel(builtin_corpus.vocab, dropout=0)
    model.fit(builtin_corpus, epochs=40, early_stopping=None)
    return model
