"""The rules of "Can I study for free?": a learner's answers and the rules version in effect give a likely answer.

Pure: no database, no request. The figures that change each year (the London Living Wage, the asylum wait, the
permission to stay, the adult age) come from an ``EligibilityRules`` row, which coordinators add in the CMS; the
questions and the plain-words reasons live here, so they are translated. The answer is never a promise: the
provider decides, so every answer says to check with them and what they may ask to see.

The GLA's Adult Skills Fund rules in short (source and date on each rules row): adults aged 19 or over who live in
London; British or Irish citizens and people with 12 months' or more permission to stay are eligible from their
first day in London (since November 2022); refugees, people with humanitarian protection and resettlement schemes
are eligible; asylum seekers after 6 months waiting for a decision. They study free when they get an income-related
benefit, are not working, or earn less than the London Living Wage.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from esolplus import cldr
from finder.vocabularies import FreeReason, ThingToBring

DONT_KNOW = "dont-know"

LIKELY_FREE = "likely_free"
CHECK_WITH_PROVIDER = "check_with_provider"
LIKELY_NOT_FREE = "likely_not_free"


class Age:
    ADULT = "adult"  # the rules' minimum age (19) or over
    YOUNG = "16-to-minimum"  # 16 up to the minimum age
    CHILD = "under-16"
    ALL = (ADULT, YOUNG, CHILD, DONT_KNOW)


class London:
    YES, NO = "yes", "no"
    ALL = (YES, NO, DONT_KNOW)


class Status:
    BRITISH_IRISH = "british-irish"
    SETTLED = "settled"  # settled or pre-settled status, indefinite leave to remain
    REFUGEE = "refugee"  # refugee status or humanitarian protection
    RESETTLEMENT = "resettlement"  # Afghan, Ukrainian, Hong Kong BN(O) and other schemes
    ASYLUM = "asylum"  # waiting for a decision
    LONG_VISA = "long-visa"  # another visa with the rules' permission to stay (12 months) or more
    OTHER = "other"
    ALL = (BRITISH_IRISH, SETTLED, REFUGEE, RESETTLEMENT, ASYLUM, LONG_VISA, OTHER, DONT_KNOW)
    # Eligible from the first day in London, whatever they earn; the income questions decide "free".
    FROM_FIRST_DAY = (BRITISH_IRISH, SETTLED, LONG_VISA)


class Benefits:
    UNIVERSAL_CREDIT = "universal-credit"
    JSA = "jsa"
    ESA = "esa"
    OTHER_INCOME = "other-income"
    NONE = "none"
    ALL = (UNIVERSAL_CREDIT, JSA, ESA, OTHER_INCOME, NONE, DONT_KNOW)
    INCOME_RELATED = (UNIVERSAL_CREDIT, JSA, ESA, OTHER_INCOME)


class Work:
    NOT_WORKING = "not-working"
    LOW_PAY = "low-pay"  # less than the London Living Wage
    HIGHER_PAY = "higher-pay"
    ALL = (NOT_WORKING, LOW_PAY, HIGHER_PAY, DONT_KNOW)


@dataclass(frozen=True)
class Answers:
    """What the learner told us; every question may be answered "I don't know"."""

    age: str = DONT_KNOW
    london: str = DONT_KNOW
    status: str = DONT_KNOW
    asylum_months: int | None = None  # None: not known (or not asked)
    benefits: str = DONT_KNOW
    work: str = DONT_KNOW


@dataclass(frozen=True)
class Answer:
    """The likely answer, why, and what to bring; ``rules`` is the version it was worked out with."""

    outcome: str
    reasons: tuple[str, ...]
    free_reasons: tuple[str, ...]  # FreeReason codes that apply, for "free if eligible" classes
    documents: tuple[str, ...]  # ThingToBring codes the provider may ask for
    rules: object = field(repr=False)

    @property
    def is_likely_free(self) -> bool:
        return self.outcome == LIKELY_FREE

    @property
    def document_labels(self) -> list[str]:
        return [str(ThingToBring(code).label) for code in self.documents]


def check(answers: Answers, rules, money=None) -> Answer:
    """The likely answer for ``answers`` under ``rules`` (an EligibilityRules row).

    Anything that rules free study out wins ("likely not free"); then anything not known ("check with the provider");
    then at least one ground for free study ("likely free"). ``money`` formats the wage for the reasons (the
    view passes the page language's currency format).
    """
    money = money or cldr.format_currency
    blockers: list[str] = []
    unknowns: list[str] = []
    grounds: list[str] = []
    free_reasons: list[str] = []

    _check_age(answers, rules, blockers, unknowns)
    _check_london(answers, blockers, unknowns)
    _check_status(answers, rules, blockers, unknowns, grounds, free_reasons)
    income_known = _check_income(answers, rules, money, grounds, free_reasons)

    if blockers:
        outcome, reasons = LIKELY_NOT_FREE, blockers
        free_reasons = []
    elif unknowns:
        outcome, reasons = CHECK_WITH_PROVIDER, [*unknowns, *grounds]
    elif free_reasons:
        outcome, reasons = LIKELY_FREE, grounds
    elif not income_known:
        outcome = CHECK_WITH_PROVIDER
        reasons = [
            *grounds,
            _("People who get benefits, are not working or earn less than %(wage)s an hour can usually study free.")
            % {"wage": money(rules.london_living_wage_hourly)},
        ]
    else:
        outcome = LIKELY_NOT_FREE
        reasons = [
            *grounds,
            _(
                "You earn %(wage)s an hour or more and get no benefits, so you may have to pay part of the cost. "
                "Some classes are free for everyone."
            )
            % {"wage": money(rules.london_living_wage_hourly)},
        ]
    return Answer(
        outcome=outcome,
        reasons=tuple(reasons),
        free_reasons=tuple(reason.value for reason in free_reasons),
        documents=documents_for(answers),
        rules=rules,
    )


def documents_for(answers: Answers) -> tuple[str, ...]:
    """What a provider may ask to see, from the answers: always ID and an address, then the papers for each ground."""
    things = [ThingToBring.PHOTO_ID, ThingToBring.PROOF_OF_ADDRESS]
    if answers.status != Status.BRITISH_IRISH:
        things.append(ThingToBring.IMMIGRATION_DOCUMENT)
    if answers.benefits in (*Benefits.INCOME_RELATED, DONT_KNOW):
        things.append(ThingToBring.BENEFIT_LETTER)
    if answers.work in (Work.LOW_PAY, Work.HIGHER_PAY, DONT_KNOW):
        things.append(ThingToBring.PAYSLIP)
    if answers.work in (Work.LOW_PAY, Work.HIGHER_PAY) or answers.benefits in Benefits.INCOME_RELATED:
        things.append(ThingToBring.NI_NUMBER)
    return tuple(thing.value for thing in things)


def _check_age(answers, rules, blockers, unknowns):
    age = {"age": rules.minimum_age}
    if answers.age == Age.CHILD:
        blockers.append(_("These classes are for adults. Children under 16 learn English at school."))
    elif answers.age == Age.YOUNG:
        unknowns.append(
            _("Free adult classes are for people aged %(age)s or over. Colleges often teach younger people free.") % age
        )
    elif answers.age != Age.ADULT:
        unknowns.append(_("Free adult classes are for people aged %(age)s or over.") % age)


def _check_london(answers, blockers, unknowns):
    if answers.london == London.NO:
        blockers.append(
            _("These free classes are for people who live in London. Ask about free classes where you live.")
        )
    elif answers.london != London.YES:
        unknowns.append(_("You need to live in London to study free here."))


def _check_status(answers, rules, blockers, unknowns, grounds, free_reasons):
    status = answers.status
    if status in Status.FROM_FIRST_DAY:
        if status == Status.LONG_VISA:
            grounds.append(
                _("With permission to stay for %(months)s months or more, you can study from your first day in London.")
                % {"months": rules.permission_to_stay_months}
            )
        else:
            grounds.append(_("You can study from your first day in London."))
    elif status == Status.REFUGEE:
        grounds.append(_("You have refugee status or humanitarian protection, so you can usually study free."))
        free_reasons.append(FreeReason.REFUGEE)
    elif status == Status.RESETTLEMENT:
        grounds.append(_("You came through a resettlement scheme, so you can usually study free."))
        free_reasons.append(FreeReason.RESETTLEMENT)
    elif status == Status.ASYLUM:
        wait = {"months": rules.asylum_wait_months}
        asylum_rule = _("Asylum seekers can usually study free after waiting %(months)s months for a decision.") % wait
        if answers.asylum_months is None:
            unknowns.append(asylum_rule)
        elif answers.asylum_months >= rules.asylum_wait_months:
            grounds.append(
                _("You have waited %(months)s months or more for an asylum decision, so you can usually study free.")
                % wait
            )
            free_reasons.append(FreeReason.ASYLUM)
        else:
            blockers.append(f"{asylum_rule} {_('Some people can start sooner: ask the provider.')}")
    elif status == Status.OTHER:
        unknowns.append(_("Some other visas let you study free. The provider will look at your visa."))
    else:
        unknowns.append(_("Your immigration status decides if you can study free. The provider can tell you."))


def _check_income(answers, rules, money, grounds, free_reasons) -> bool:
    """Adds the income grounds for free study; False when an answer we need is "I don't know"."""
    known = True
    if answers.benefits in Benefits.INCOME_RELATED:
        grounds.append(_("You get benefits, so you can usually study free."))
        free_reasons.append(FreeReason.BENEFITS)
    elif answers.benefits != Benefits.NONE:
        known = False
    if answers.work == Work.NOT_WORKING:
        grounds.append(_("You are not working, so you can usually study free."))
        free_reasons.append(FreeReason.UNEMPLOYED)
    elif answers.work == Work.LOW_PAY:
        grounds.append(
            _("You earn less than %(wage)s an hour (the London Living Wage), so you can usually study free.")
            % {"wage": money(rules.london_living_wage_hourly)}
        )
        free_reasons.append(FreeReason.LOW_PAY)
    elif answers.work != Work.HIGHER_PAY:
        known = False
    return known
