"""The render job this Blender works for, as the render manager that started it names it.

Render managers put the job into the environment of the processes they start, each under its own
name. RENDERFARM_JOB comes first, so any pipeline can set it (Flamenco and Thinkbox Deadline 10 set
no job variable of their own: a job's environment setting or wrapper script sets RENDERFARM_JOB).
"""

import os

# (variable, who sets it), in order of preference. Each was checked against the manager's own source.
JOB_VARIABLES = (
    ("RENDERFARM_JOB", "anyone"),
    ("CUE_JOB", "OpenCue (the job's name)"),
    ("DEADLINE_JOB_ID", "AWS Deadline Cloud (the job's id)"),
    ("AF_JOB_ID", "Afanasy (the job's number)"),
    ("TR_ENV_JID", "Tractor (the job's id)"),
)


def job_name(environ=None):
    """The first job variable that is set and not blank, else ""."""
    environ = os.environ if environ is None else environ
    for variable, _who in JOB_VARIABLES:
        value = environ.get(variable, "").strip()
        if value:
            return value
    return ""
