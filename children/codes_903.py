"""SSDA903 code lists (children looked after return, 2025 to 2026).

The codes are those the DfE's validation rules accept (rules 101, 103, 143, 144,
145, 146, 149, 178, 1009 and the PN codes of rule 167); the labels follow the DfE's
guidance in plain words. Pure module: Django's TextChoices only, no models.
"""

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White: British"
    WIRI = "WIRI", "White: Irish"
    WIRT = "WIRT", "White: Traveller of Irish heritage"
    WOTH = "WOTH", "White: any other White background"
    WROM = "WROM", "White: Gypsy or Roma"
    MWBC = "MWBC", "Mixed: White and Black Caribbean"
    MWBA = "MWBA", "Mixed: White and Black African"
    MWAS = "MWAS", "Mixed: White and Asian"
    MOTH = "MOTH", "Mixed: any other mixed background"
    AIND = "AIND", "Asian or Asian British: Indian"
    APKN = "APKN", "Asian or Asian British: Pakistani"
    ABAN = "ABAN", "Asian or Asian British: Bangladeshi"
    AOTH = "AOTH", "Asian or Asian British: any other Asian background"
    BCRB = "BCRB", "Black or Black British: Caribbean"
    BAFR = "BAFR", "Black or Black British: African"
    BOTH = "BOTH", "Black or Black British: any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class ReasonNewEpisode(models.TextChoices):
    """RNE: why a new episode of care started."""

    S = "S", "S: started to be looked after"
    P = "P", "P: change of placement (but not legal status)"
    L = "L", "L: change of legal status (but not placement)"
    T = "T", "T: change of both legal status and placement"
    B = "B", "B: change of placement and carer(s) at the same time"
    U = "U", "U: change of carer(s) only, placement the same"


class LegalStatus(models.TextChoices):
    """LS: the legal status the child is looked after under."""

    C1 = "C1", "C1: interim care order"
    C2 = "C2", "C2: full care order"
    D1 = "D1", "D1: freeing order granted"
    E1 = "E1", "E1: placement order granted"
    V2 = "V2", "V2: single period of accommodation under section 20"
    V3 = "V3", "V3: accommodated under an agreed series of short-term breaks"
    V4 = "V4", "V4: accommodated under an agreed series of short-term breaks, recorded"
    J1 = "J1", "J1: remanded to local authority accommodation or youth detention"
    J2 = "J2", "J2: placed in local authority accommodation under PACE"
    J3 = "J3", "J3: sentenced to a youth rehabilitation order with residence"
    L1 = "L1", "L1: under police protection and in local authority accommodation"
    L2 = "L2", "L2: emergency protection order"
    L3 = "L3", "L3: under a child assessment order and in local authority accommodation"


SHORT_BREAK_LEGAL_STATUSES = frozenset({LegalStatus.V3, LegalStatus.V4})
# Accommodated under section 20 (CPPCR reg 33(3)(e) applies when it is to end).
ACCOMMODATED_LEGAL_STATUSES = frozenset({LegalStatus.V2})


class CategoryOfNeed(models.TextChoices):
    """CIN: the main reason the child is looked after."""

    N1 = "N1", "N1: abuse or neglect"
    N2 = "N2", "N2: child's disability"
    N3 = "N3", "N3: parental illness or disability"
    N4 = "N4", "N4: family in acute stress"
    N5 = "N5", "N5: family dysfunction"
    N6 = "N6", "N6: socially unacceptable behaviour"
    N7 = "N7", "N7: low income"
    N8 = "N8", "N8: absent parenting"


class Placement(models.TextChoices):
    """PLACE: the type of placement."""

    A3 = "A3", "A3: placed for adoption, consent, with former foster carer(s)"
    A4 = "A4", "A4: placed for adoption, consent, not with former foster carer(s)"
    A5 = "A5", "A5: placed for adoption, placement order, with former foster carer(s)"
    A6 = (
        "A6",
        "A6: placed for adoption, placement order, not with former foster carer(s)",
    )
    K1 = "K1", "K1: secure children's home"
    K2 = "K2", "K2: children's home"
    K3 = "K3", "K3: supported accommodation"
    P1 = (
        "P1",
        "P1: placed with own parent(s) or other person(s) with parental responsibility",
    )
    P3 = "P3", "P3: residential employment"
    R1 = "R1", "R1: residential care home"
    R2 = (
        "R2",
        "R2: NHS or health trust or other establishment providing medical or nursing care",
    )
    R3 = "R3", "R3: family centre or mother and baby unit"
    R5 = "R5", "R5: young offender institution or prison"
    S1 = "S1", "S1: residential school not subject to children's homes regulations"
    T0 = "T0", "T0: temporary move (all types)"
    T1 = "T1", "T1: temporary periods in hospital"
    T2 = "T2", "T2: temporary absences on holiday"
    T3 = "T3", "T3: temporary accommodation while normal foster carer is unavailable"
    T4 = "T4", "T4: temporary accommodation of 7 days or less"
    U1 = (
        "U1",
        "U1: foster placement with relative or friend, long term, fostering for adoption",
    )
    U2 = (
        "U2",
        "U2: foster placement with relative or friend who is not long term or fostering for adoption",
    )
    U3 = (
        "U3",
        "U3: foster placement with relative or friend, fostering for adoption or concurrent planning",
    )
    U4 = "U4", "U4: foster placement with other foster carer, long term"
    U5 = (
        "U5",
        "U5: foster placement with other foster carer, fostering for adoption or concurrent planning",
    )
    U6 = (
        "U6",
        "U6: foster placement with other foster carer, not long term or fostering for adoption",
    )
    Z11 = "Z11", "Z11: other placement (not subject to any regulations)"
    Z12 = "Z12", "Z12: other placement, unregulated"
    Z13 = "Z13", "Z13: other placement, independent living"
    Z14 = "Z14", "Z14: other placement, other arrangement"


ADOPTION_PLACEMENTS = frozenset(
    {Placement.A3, Placement.A4, Placement.A5, Placement.A6}
)
SECURE_PLACEMENTS = frozenset({Placement.K1})
# Placements that have no provider (validator rules 178 and, for T4, 213: from 2025/26
# rule 178 no longer lists T4, but 213 still refuses a provider for it).
PLACEMENTS_WITHOUT_PROVIDER = frozenset(
    {
        Placement.T0,
        Placement.T1,
        Placement.T2,
        Placement.T3,
        Placement.T4,
        Placement.Z11,
        Placement.Z12,
        Placement.Z13,
        Placement.Z14,
    }
)


class PlacementProvider(models.TextChoices):
    PR0 = "PR0", "PR0: parent(s) or other person(s) with parental responsibility"
    PR1 = "PR1", "PR1: own provision (by the local authority)"
    PR2 = "PR2", "PR2: other local authority provision"
    PR3 = "PR3", "PR3: other public provision (for example the NHS)"
    PR4 = "PR4", "PR4: private provision"
    PR5 = "PR5", "PR5: voluntary, not-for-profit or charity provision"


class ReasonEpisodeCeased(models.TextChoices):
    """REC: why an episode ended (X1: a new episode started the same day)."""

    X1 = "X1", "X1: episode ceased and a new one began on the same day"
    E11 = "E11", "E11: adopted, application unopposed"
    E12 = "E12", "E12: adopted, consent dispensed with by the court"
    E13 = (
        "E13",
        "E13: left care to live with parent(s) or relative(s) with no parental responsibility",
    )
    E14 = "E14", "E14: accommodation on remand ended"
    E15 = "E15", "E15: age assessment found the child to be 18 or over"
    E16 = "E16", "E16: moved abroad"
    E17 = "E17", "E17: aged 18 or over and stayed with current carers (staying put)"
    E2 = "E2", "E2: died"
    E3 = "E3", "E3: care taken over by another local authority in the UK"
    E41 = "E41", "E41: child arrangements order granted"
    E45 = "E45", "E45: special guardianship order made to former foster carer(s)"
    E46 = "E46", "E46: special guardianship order made to other carer(s)"
    E47 = (
        "E47",
        "E47: special guardianship order to former foster carers who are relatives or friends",
    )
    E48 = (
        "E48",
        "E48: special guardianship order to other carers who are relatives or friends",
    )
    E4A = "E4A", "E4A: returned home as part of the care plan"
    E4B = "E4B", "E4B: returned home not as part of the care plan"
    E5 = "E5", "E5: moved into independent living with formal support"
    E6 = "E6", "E6: moved into independent living without formal support"
    E7 = "E7", "E7: transferred to residential care funded by adult social care"
    E8 = "E8", "E8: period of being looked after ended for any other reason"
    E9 = "E9", "E9: sentenced to custody"


# An episode ending for any of these ends the period of care (P4).
PERIOD_ENDING_REASONS = frozenset(ReasonEpisodeCeased.values) - {"X1"}
TRANSFER_REASONS = frozenset({ReasonEpisodeCeased.E3})
ADOPTED_REASONS = frozenset({ReasonEpisodeCeased.E11, ReasonEpisodeCeased.E12})


class ReasonPlaceChange(models.TextChoices):
    CARPL = "CARPL", "Change to or implementation of the care plan"
    CLOSE = "CLOSE", "Resignation or closure of the provision"
    ALLEG = "ALLEG", "Allegation (section 47 enquiry)"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Carer approval removed"
    CREQB = "CREQB", "Carer requests the placement end because of the child's behaviour"
    CREQO = "CREQO", "Carer requests the placement end for another reason"
    CHILD = "CHILD", "The child requests the placement end"
    LAREQ = "LAREQ", "The responsible local authority requests the placement end"
    PLACE = "PLACE", "Change of placement status only (no move)"
    CUSTOD = "CUSTOD", "Custody arrangement"
    OTHER = "OTHER", "Other"


class Participation(models.TextChoices):
    """REVIEW_CODE: how the child took part in the review."""

    PN0 = "PN0", "PN0: child aged under 4 at the time of the review"
    PN1 = "PN1", "PN1: attended and spoke for themselves"
    PN2 = "PN2", "PN2: attended; an advocate conveyed their views"
    PN3 = "PN3", "PN3: attended and conveyed their views non-verbally"
    PN4 = "PN4", "PN4: attended without contributing"
    PN5 = "PN5", "PN5: did not attend; briefed an advocate to speak for them"
    PN6 = "PN6", "PN6: did not attend; conveyed their views another way"
    PN7 = "PN7", "PN7: did not attend and views were not conveyed"


# UPN: 13 characters, or one of the DfE's codes for why there is none. The 903 takes
# UN1 to UN5 (rule 168, every year to 2026/27); UN6 to UN10 are the CIN census's.
UPN_REASON_CODES = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5"})

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES_COLUMNS = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)
REVIEWS_COLUMNS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")
DATE_FORMAT = "%d/%m/%Y"
