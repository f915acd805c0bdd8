"""Write the demo notebooks from their cell sources here (outputs empty, as kept in git).

    .venv/bin/python scripts/make_notebooks.py
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

QUICKSTART = [
    new_markdown_cell("""\
# Improvise jazz with an LSTM, and watch it learn

This is the classic exercise *Improvise a Jazz Solo with an LSTM Network* (deeplearning.ai, after
Ji-Sung Kim's deepjazz), made explorable. A melody becomes a sequence of **values**: each note or
rest with its duration and its relation to the chord being played (`C` chord tone, `S` scale tone,
`A` approach tone, `X` other, `R` rest) and, for notes, a window around the interval from the
previous note, e.g. `S,0.500,<M3,M-2>`. An LSTM with 64 hidden units reads windows of 30 values and
learns to predict the next one. To improvise, it samples one value at a time and feeds each one
back in as the next input; the values are then turned into pitches over a chord progression.

An **LSTM cell** carries a memory $c$ from step to step. Three gates, each a sigmoid between 0
and 1, decide what happens to it:

* the **forget gate** $\\Gamma_f$ keeps or wipes each memory cell,
* the **input gate** $\\Gamma_i$ (the exercise calls it the *update gate* $\\Gamma_u$) lets a new
  candidate value $\\tilde c$ in,
* the **output gate** $\\Gamma_o$ chooses what part of the memory becomes the hidden state $h$,
  which the softmax layer reads to predict the next value.

$$c_t = \\Gamma_f \\odot c_{t-1} + \\Gamma_i \\odot \\tilde c_t, \\qquad h_t = \\Gamma_o \\odot
\\tanh(c_t)$$
"""),
    new_code_cell("""\
import os

import jazzwidget as jw

EPOCHS = int(os.environ.get("JAZZWIDGET_EPOCHS", "100"))  # CI runs this notebook with fewer"""),
    new_markdown_cell("""\
## 1. Load music
The built-in corpus is original jazz written for jazzwidget (CC0): blues choruses in F and B-flat,
rhythm changes, ii-V-I cycles and a minor blues. It works offline. Your own MIDI or MusicXML files
work too: `jw.load_corpus("my_solo.mid", melody="Sax")`."""),
    new_code_cell("""\
corpus = jw.load_corpus()
print(corpus.describe()[:900])
print("first values:", corpus.values[:6])"""),
    new_markdown_cell("""\
## 2. Train, and watch the loss fall
`LivePlot` is a Keras callback: it works with any `model.fit`. The validation curve is the end
of the corpus, never trained on: when it turns up while the training loss keeps falling, the
network is memorizing its corpus rather than learning jazz in general."""),
    new_code_cell("""\
model = jw.JazzModel(corpus.vocab, n_a=64)
history = model.fit(corpus, epochs=EPOCHS, callbacks=[jw.LivePlot()])
print(model)"""),
    new_markdown_cell("""\
## 3. Improvise, and listen
Temperature 0 always takes the likeliest next value (what the original exercise did); 1 samples
the network's own distribution; higher values get wilder. The same `seed=` gives the same clip.
Press Play: the player synthesizes in your browser, with a piano roll and a moving playhead."""),
    new_code_cell("""\
clip = model.generate(seconds=15, tempo=130, temperature=1.0, seed=1)
player = jw.Player(clip)
player"""),
    new_markdown_cell("Over a progression of your own (one chord a bar, looped):"),
    new_code_cell("""\
clip2 = model.generate(seconds=15, chords="Dm7 G7 Cmaj7 Cmaj7", temperature=0.8, seed=7)
jw.Player(clip2)"""),
    new_markdown_cell("No browser audio? The same clip rendered in Python:"),
    new_code_cell("clip.audio()"),
    new_markdown_cell("""\
## 4. Everything in one widget
The Studio has tabs for the data (built-in, music21's lead sheets or your uploads), training
(with Start, Stop and Reset) and generation."""),
    new_code_cell("jw.Studio()"),
]


YOUR_MUSIC = [
    new_markdown_cell("""\
# Your own music

Bring a MIDI, MusicXML or ABC file of a tune you like (a lead sheet with chord symbols is best),
train the LSTM on it, and hear it improvise over chords you choose. Every part of jazzwidget
reads a file the same way (`load_corpus`, the Player, the Studio, the command line): the melody
you check here is the one the model learns."""),
    new_code_cell("""\
import os
from pathlib import Path

import ipywidgets as widgets

import jazzwidget as jw
from jazzwidget.music.corpus import builtin_sources

EPOCHS = int(os.environ.get("JAZZWIDGET_EPOCHS", "100"))  # CI runs this notebook with fewer
MY_FILE = os.environ.get("JAZZWIDGET_MY_FILE", "my_solo.mid")  # <- the path of your file"""),
    new_markdown_cell("""\
## 1. Give a path, or upload a file
Either set `MY_FILE` above to your file's path, or upload it here, then run the cells below it.
(Without either, a file of the built-in corpus stands in.) Files over 10 MB are refused."""),
    new_code_cell("""\
upload = widgets.FileUpload(accept=".mid,.midi,.xml,.mxl,.musicxml,.abc", multiple=False)
upload"""),
    new_code_cell("""\
if upload.value:  # an upload wins over the path; it is saved in a temporary folder
    MY_FILE = jw.save_uploads(upload.value)[0]
if not Path(MY_FILE).is_file():
    print(f"{MY_FILE} not found: using a file of the built-in corpus instead")
    MY_FILE = builtin_sources()[0]
print("reading", MY_FILE)"""),
    new_markdown_cell("""\
## 2. Pick the melody track
`describe()` lists the file's tracks, the one taken as the melody (`->`) and why. If it took the
wrong one, set `MELODY` to a track's name, its number, or `"program:N"` (a General MIDI
program), and run the cell again."""),
    new_code_cell("""\
MELODY = None  # e.g. "Sax", 2 or "program:65"; None lets jazzwidget choose
corpus = jw.load_corpus(MY_FILE, melody=MELODY)
print(corpus.describe())"""),
    new_markdown_cell("""\
## 3. Check the chords found
The value grammar describes each note by its relation to the chord under it, so the chords
matter. They come from chord symbols in the file when it has them, otherwise they are estimated
from the other tracks (or the melody alone). Listen: the Player sounds the melody, the chords and
the other tracks exactly as they were read."""),
    new_code_cell("""\
piece = corpus.pieces[0]
print("chords:", piece.chord_source)
print(corpus.progression.text())
jw.Player(MY_FILE, melody=MELODY, title="your file, as jazzwidget reads it")"""),
    new_markdown_cell("""\
## 4. Train
One file is a small corpus: the validation curve (the end of your piece) shows soon whether the
network learns or only memorizes."""),
    new_code_cell("""\
model = jw.JazzModel(corpus.vocab, n_a=64)
model.fit(corpus, epochs=EPOCHS, callbacks=[jw.LivePlot()])
print(model)"""),
    new_markdown_cell("""\
## 5. Improvise over your own chords
Type any progression: bars split by `|`, chords in a bar share it evenly. The model only knows
the values it met in your file; the chords decide which pitches they become."""),
    new_code_cell("""\
MY_CHORDS = "Dm7 G7 | Cmaj7 | Fmaj7 | Bm7b5 E7 | Am7 | D7 | Dm7 G7 | Cmaj7"
clip = model.generate(seconds=15, tempo=corpus.tempo, temperature=1.0, seed=1, chords=MY_CHORDS)
print(clip)"""),
    new_code_cell("""\
jw.Player(clip, title="the LSTM over your chords")"""),
]


def write(name: str, cells: list) -> Path:
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"},
        "language_info": {"name": "python"},
    })
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"{name.split('_')[0]}-{index:02d}"
    path = NOTEBOOKS / name
    nbformat.write(notebook, path)
    return path


if __name__ == "__main__":
    print(write("01_quickstart.ipynb", QUICKSTART))
    print(write("03_your_own_music.ipynb", YOUR_MUSIC))
