"""Use cases of impact: release markers and annotations, read-outs of shipped initiatives, experiments, the
impact ledger and calibration — one module each (``from headway.impact import services``).

Reads need ``Perm.VIEW_WORKSPACE``; annotating, measuring and creating experiments ``Perm.EDIT_IDEAS``.
``actor=None`` is the system (the CLI operator, the scheduled job, the demo builder).
"""

from __future__ import annotations

from headway.impact.services.experiment_readouts import (
    ArmRow,
    ExperimentReadout,
    MetricResult,
    experiment_results,
)
from headway.impact.services.experiments import (
    EXPOSURE_DEFAULTS,
    MATHS,
    ExperimentSpec,
    ExperimentView,
    MetricSpec,
    create_experiment,
    get_experiment,
    list_experiments,
)
from headway.impact.services.feedback_shifts import ThemeShift, feedback_shifts
from headway.impact.services.ledger import Bucket, Calibration, LedgerRow, calibration, ledger
from headway.impact.services.markers import (
    Marker,
    Release,
    add_annotation,
    delete_annotation,
    list_annotations,
    markers,
    releases,
    shipped_on,
)
from headway.impact.services.readouts import ALIASES as METHOD_ALIASES
from headway.impact.services.readouts import (
    METHOD_WORDS,
    ReadOut,
    SeriesPoint,
    due_measurements,
    measure,
    readout,
    set_measurement,
)
from headway.impact.services.verdicts import Expected, parse_expected, verdict

__all__ = [
    "EXPOSURE_DEFAULTS",
    "MATHS",
    "METHOD_ALIASES",
    "METHOD_WORDS",
    "ArmRow",
    "Bucket",
    "Calibration",
    "Expected",
    "ExperimentReadout",
    "ExperimentSpec",
    "ExperimentView",
    "LedgerRow",
    "Marker",
    "MetricResult",
    "MetricSpec",
    "ReadOut",
    "Release",
    "SeriesPoint",
    "ThemeShift",
    "add_annotation",
    "calibration",
    "create_experiment",
    "delete_annotation",
    "due_measurements",
    "experiment_results",
    "feedback_shifts",
    "get_experiment",
    "ledger",
    "list_annotations",
    "list_experiments",
    "markers",
    "measure",
    "parse_expected",
    "readout",
    "releases",
    "set_measurement",
    "shipped_on",
    "verdict",
]
