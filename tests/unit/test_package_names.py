"""Each public name means one thing: no function of a package shares its name with one of the
package's modules (`metrics.features` was the function of sets.py or the module features.py,
and `inspect.explain` the function or the module explain.py, depending on how it was
imported)."""

import importlib
import pkgutil
import subprocess
import sys

import pytest

import jazzwidget
from jazzwidget import metrics

PACKAGES = ["jazzwidget"] + [f"jazzwidget.{info.name}"
                             for info in pkgutil.iter_modules(jazzwidget.__path__)
                             if info.ispkg]


@pytest.mark.parametrize("name", PACKAGES)
def test_no_name_in_a_packages_all_is_one_of_its_modules(name):
    package = importlib.import_module(name)
    modules = {info.name for info in pkgutil.iter_modules(package.__path__)}
    assert modules.isdisjoint(getattr(package, "__all__", ())), name


def test_no_public_name_hides_a_module_of_the_metrics_package():
    modules = {info.name for info in pkgutil.iter_modules(metrics.__path__)}
    assert modules.isdisjoint(metrics.__all__), sorted(modules & set(metrics.__all__))
    for name in modules:
        module = importlib.import_module(f"jazzwidget.metrics.{name}")
        assert getattr(metrics, name, module) is module, name


def test_a_module_and_the_package_agree_whatever_the_import_order():
    # `import a.b as m` binds the package's attribute b (Python 3.7+): with a function of that
    # name, m was the function, not the module. A fresh process: nothing imported before.
    code = ("import jazzwidget.metrics.melody_features as per_melody\n"
            "import jazzwidget.metrics.densities as densities\n"
            "from jazzwidget import metrics\n"
            "assert per_melody.pitch_range is metrics.pitch_range\n"
            "assert densities.overlapped_area is metrics.overlapped_area\n"
            "assert metrics.features.__module__ == 'jazzwidget.metrics.sets'\n"
            "assert metrics.compare.__module__ == 'jazzwidget.metrics.sets'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
