"""A learner's records of each kind that can be corrected or deleted, for the tests that visit every screen."""

import datetime

from devtools.evaluation_factories import TERM_START, AssessmentFactory
from evaluation.models import Enrolment, ProgressionOutcome, SurveyAnswer, SurveyInstrument, SurveyResponse


def survey_response(learner, wave: str = SurveyResponse.Wave.BASELINE, **answers: int) -> SurveyResponse:
    """A response to the integration survey (seeded by migration), answers by item code."""
    instrument = SurveyInstrument.objects.get(code="integration", version=1)
    response = SurveyResponse.objects.create(learner=learner, instrument=instrument, wave=wave, date=TERM_START)
    for code, value in answers.items():
        SurveyAnswer.objects.create(response=response, item=instrument.items.get(code=code), value=value)
    return response


def outcome(learner, **values) -> ProgressionOutcome:
    values = {"outcome_type": "EMP", "outcome_code": 1, "date": TERM_START + datetime.timedelta(weeks=14), **values}
    return ProgressionOutcome.objects.create(learner=learner, source=ProgressionOutcome.Source.LEARNER, **values)


def learner_records(enrolment: Enrolment) -> dict[str, int]:
    """The URL arguments of the correction screens: an assessment, a survey response and an outcome."""
    return {
        "assessment_id": AssessmentFactory(enrolment=enrolment).id,
        "response_id": survey_response(enrolment.learner, belonging=3).id,
        "outcome_id": outcome(enrolment.learner).id,
    }
