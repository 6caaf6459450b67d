"""The procedure engine: every stage and transition of PROCEDURE.md §2.

`Procedure` is one object per unit of work (a session, a calendar, who acts). Each
action checks the stage, the dates and the procedure's conditions, changes the record,
opens and closes the deadlines it governs, and appends to the audit trail. A refusal
raises ProcedureError naming the case, its stage and the actions allowed there.
"""
from __future__ import annotations

from cases.procedure.closure import AgreementTerms, ClosureTerms, ObligationTerms
from cases.procedure.core import Action, allowed_actions, shanghai_today
from cases.procedure.intake import IntakeActions
from cases.procedure.launch import LaunchActions
from cases.procedure.obligations import ObligationActions
from cases.procedure.process import ProcessActions
from cases.procedure.rights import RightsActions


class Procedure(IntakeActions, LaunchActions, ProcessActions, RightsActions, ObligationActions):
    pass


__all__ = ["Action", "AgreementTerms", "ClosureTerms", "ObligationTerms", "Procedure", "allowed_actions",
           "shanghai_today"]
