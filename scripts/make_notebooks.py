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


INSIDE = [
    new_markdown_cell("""\
# Inside the LSTM: what its gates do while it improvises

Every step, the LSTM reads one value (the note or rest it just played) and updates two vectors of
64 numbers: a **memory** $c$ and a **hidden state** $h$ (what the softmax layer reads to choose
the next value). Four small layers decide how, with the equations of the exercise:

$$\\Gamma_u = \\sigma(W_u[a^{\\langle t-1 \\rangle}, x^{\\langle t \\rangle}] + b_u),\\quad
\\Gamma_f = \\sigma(W_f[\\dots] + b_f),\\quad \\Gamma_o = \\sigma(W_o[\\dots] + b_o),\\quad
\\tilde c = \\tanh(W_c[\\dots] + b_c)$$
$$c^{\\langle t \\rangle} = \\Gamma_f \\odot c^{\\langle t-1 \\rangle} + \\Gamma_u \\odot \\tilde c,
\\qquad a^{\\langle t \\rangle} = \\Gamma_o \\odot \\tanh(c^{\\langle t \\rangle})$$

In words, per unit (one of the 64 numbers):

* the **forget gate** $\\Gamma_f$ (written `f` here) says how much of the old memory to keep:
  1 keeps it all, 0 wipes it;
* the **update gate** $\\Gamma_u$ (Keras calls it the input gate, `i`) says how much of the new
  candidate $\\tilde c$ (`g`) to write in;
* the **output gate** $\\Gamma_o$ (`o`) says how much of the squashed memory $\\tanh(c)$ to show
  as the hidden state $a$ (`h`), which is all the next layer sees.

The inspector below draws each of them as a heatmap (one row per unit, time left to right, lined
up with the piano roll) and lets you hover a cell to see this arithmetic with the real numbers.
"""),
    new_code_cell("""\
import os

import jazzwidget as jw
from jazzwidget.inspect import explain_corpus, passage_clip

EPOCHS = int(os.environ.get("JAZZWIDGET_EPOCHS", "100"))  # CI runs this notebook with fewer"""),
    new_markdown_cell("""\
## 1. Train, taking snapshots of the gates as it learns
`GateSnapshots` is a Keras callback: every few epochs it traces a fixed passage of the corpus
(here the first 60 values of the first piece) and keeps the weights, so that later we can see
and hear the model at any of those epochs."""),
    new_code_cell("""\
corpus = jw.load_corpus()
passage = passage_clip(corpus, piece=0, start=0, end=60)
snapshots = jw.GateSnapshots(passage, every=max(1, EPOCHS // 10))
model = jw.JazzModel(corpus.vocab, n_a=64)
model.fit(corpus, epochs=EPOCHS, callbacks=[jw.LivePlot(), snapshots])
print(model, snapshots)"""),
    new_markdown_cell("""\
## 2. A generated clip in the inspector
Press Play: the amber cursor runs across every heatmap with the music. Hover a cell for the
step, the note, the chord, the unit and its arithmetic; click a cell to seek and to select the
unit (its gates appear as lines below the heatmaps); change the gates shown and the unit order
(*similarity* puts units that move together next to each other)."""),
    new_code_cell("""\
SETTINGS = dict(seconds=15, tempo=130, temperature=1.0, seed=1, chords="Dm7 G7 Cmaj7 Cmaj7")
clip = model.generate(**SETTINGS)
inspector = jw.GateInspector(model, clip, corpus=corpus, generation=SETTINGS,
                             order="similarity")
inspector"""),
    new_markdown_cell("""\
## 3. Saturation: which gates act as switches
Karpathy, Johnson & Fei-Fei (2015) plotted each unit's gate as a point: how often it is nearly
closed (below 0.1, across) against how often it is nearly open (above 0.9, up). Points in a
corner are switches; points near (0, 0) are graded. Switch the plot to *the corpus* to count
over every piece rather than this clip; click a point to select its unit."""),
    new_code_cell("""\
forget = inspector.trace.saturation("f")
always_open = [u for u in range(model.n_a) if forget[u, 1] > 0.5]
print(f"{len(always_open)} of {model.n_a} units keep their memory (f > 0.9) on most steps "
      f"of this clip: {always_open[:12]}")"""),
    new_markdown_cell("""\
## 4. Units that track the bar, the rests, the chord
`explain_corpus` correlates every unit's $c$ and $h$, step by step over the whole corpus, with
features of the value being chosen (position in the bar, rest or note, duration, pitch,
interval, value type, chord root, chord change) and lists the strongest units per feature."""),
    new_code_cell("""\
records = explain_corpus(model, corpus, top=3)
best = {}
for record in records:
    if abs(record["r"]) > abs(best.get(record["feature"], {"r": 0})["r"]):
        best[record["feature"]] = record
for feature, record in best.items():
    unit, state, r = record["unit"], record["state"], record["r"]
    print(f"{feature:>14}: unit {unit:>2} ({state})  r = {r:+.2f}")"""),
    new_markdown_cell("""\
The same question the LSTMVis way: pick a range (here the first rest of the clip; in the widget,
drag on the note strip) and list the units that switch on there and were off just before. They
move to the top of the heatmaps, and the amber marks show where else they fire together."""),
    new_code_cell("""\
rest = next((k for k, step in enumerate(clip.steps) if step.pitch is None and k > 0), 1)
matches = inspector.find(rest, rest + 1, threshold=0.3)
print(f"step {rest} ({clip.steps[rest].value}):", [(m.unit, round(m.score, 2))
                                                   for m in matches[:8]])"""),
    new_markdown_cell("""\
## 5. Ablation: silence units and listen
Lakretz et al. (2019) found single units that carry number agreement in language models by
switching them off. Here we hold the units that best follow the rests at zero (their $h$ and
$c$), and regenerate with the same seed, chords and primer. Play both clips: what changed?"""),
    new_code_cell("""\
rest_units = sorted({r["unit"] for r in records if r["feature"] == "is_rest"})
original, ablated = inspector.ablation.regenerate(rest_units, "zero")
print("ablated units:", rest_units)
inspector.ablation"""),
    new_markdown_cell("""\
## 6. The learning timeline: hear the model learn
The snapshots traced the same passage every few epochs. Move the epoch slider to watch the gates
organize themselves, and press *Play this epoch's clip* to hear what the model would have
improvised then (same seed and chords at every epoch)."""),
    new_code_cell("""\
timeline = jw.GateInspector(model, snapshots=snapshots, gates="ifc", generation=SETTINGS)
timeline.show_epoch(snapshots.epochs[0])
timeline.play_epoch(snapshots.epochs[0])
timeline"""),
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
    print(write("02_inside_the_lstm.ipynb", INSIDE))
    print(write("03_your_own_music.ipynb", YOUR_MUSIC))
