"""London's 33 boroughs for the demo: which border which, and how busy each is with ESOL.

Stored nowhere else: the demo places a provider's venues in its home borough and the boroughs next to it, and
spreads its classes the way learners are spread (many in inner east and north London, fewer in the outer south
and east). Nothing here is stored in a model; the demo's tests read it to check what the demo built.
"""

# Boroughs that share a boundary, from the Ordnance Survey Boundary-Line map of the London boroughs (the same
# boundaries as the ONS "Local Authority Districts" map). A boundary along the middle of the Thames counts only
# where a bridge, tunnel or ferry crosses it there (Westminster–Lambeth, the City–Southwark, Tower Hamlets–Southwark
# and Greenwich, Newham–Greenwich, Wandsworth–Chelsea, Fulham and Richmond, Hammersmith–Barnes): a learner does
# not cross the river where there is no way over. tests/finder/test_demo_london.py checks every pair against the
# geography data (the two boroughs' postcode sectors lie close together).
BORDERS = [
    ("Barking and Dagenham", "Havering"),
    ("Barking and Dagenham", "Newham"),
    ("Barking and Dagenham", "Redbridge"),
    ("Barnet", "Brent"),
    ("Barnet", "Camden"),
    ("Barnet", "Enfield"),
    ("Barnet", "Haringey"),
    ("Barnet", "Harrow"),
    ("Bexley", "Bromley"),
    ("Bexley", "Greenwich"),
    ("Brent", "Camden"),
    ("Brent", "Ealing"),
    ("Brent", "Hammersmith and Fulham"),
    ("Brent", "Harrow"),
    ("Brent", "Kensington and Chelsea"),
    ("Brent", "Westminster"),
    ("Bromley", "Croydon"),
    ("Bromley", "Greenwich"),
    ("Bromley", "Lambeth"),
    ("Bromley", "Lewisham"),
    ("Bromley", "Southwark"),
    ("Camden", "City of London"),
    ("Camden", "Haringey"),
    ("Camden", "Islington"),
    ("Camden", "Westminster"),
    ("City of London", "Hackney"),
    ("City of London", "Islington"),
    ("City of London", "Southwark"),
    ("City of London", "Tower Hamlets"),
    ("City of London", "Westminster"),
    ("Croydon", "Lambeth"),
    ("Croydon", "Merton"),
    ("Croydon", "Sutton"),
    ("Ealing", "Hammersmith and Fulham"),
    ("Ealing", "Harrow"),
    ("Ealing", "Hillingdon"),
    ("Ealing", "Hounslow"),
    ("Enfield", "Haringey"),
    ("Enfield", "Waltham Forest"),
    ("Greenwich", "Lewisham"),
    ("Greenwich", "Newham"),
    ("Greenwich", "Tower Hamlets"),
    ("Hackney", "Haringey"),
    ("Hackney", "Islington"),
    ("Hackney", "Newham"),
    ("Hackney", "Tower Hamlets"),
    ("Hackney", "Waltham Forest"),
    ("Hammersmith and Fulham", "Hounslow"),
    ("Hammersmith and Fulham", "Kensington and Chelsea"),
    ("Hammersmith and Fulham", "Richmond upon Thames"),
    ("Hammersmith and Fulham", "Wandsworth"),
    ("Haringey", "Islington"),
    ("Haringey", "Waltham Forest"),
    ("Harrow", "Hillingdon"),
    ("Hillingdon", "Hounslow"),
    ("Hounslow", "Richmond upon Thames"),
    ("Kensington and Chelsea", "Wandsworth"),
    ("Kensington and Chelsea", "Westminster"),
    ("Kingston upon Thames", "Merton"),
    ("Kingston upon Thames", "Richmond upon Thames"),
    ("Kingston upon Thames", "Sutton"),
    ("Lambeth", "Merton"),
    ("Lambeth", "Southwark"),
    ("Lambeth", "Wandsworth"),
    ("Lambeth", "Westminster"),
    ("Lewisham", "Southwark"),
    ("Merton", "Sutton"),
    ("Merton", "Wandsworth"),
    ("Newham", "Redbridge"),
    ("Newham", "Tower Hamlets"),
    ("Newham", "Waltham Forest"),
    ("Redbridge", "Havering"),
    ("Redbridge", "Waltham Forest"),
    ("Richmond upon Thames", "Wandsworth"),
    ("Southwark", "Tower Hamlets"),
    ("Wandsworth", "Westminster"),
]


def neighbours(borough: str) -> list[str]:
    """The boroughs next to ``borough``, in alphabetical order."""
    return sorted({b for a, b in BORDERS if a == borough} | {a for a, b in BORDERS if b == borough})


# How busy each borough is with ESOL learners, as a share of its demo classes (three tiers, after the GLA's picture
# of where adults with little English live: most in inner east and north London, fewest in the outer south-west
# and east). A provider at home in a busy borough runs more classes.
TIERS = ("busy", "middle", "quiet")
CLASSES_BY_HOME = {"busy": 18, "middle": 8, "quiet": 4}
BUSY = {
    "Brent",
    "Camden",
    "Hackney",
    "Haringey",
    "Islington",
    "Newham",
    "Tower Hamlets",
    "Waltham Forest",
}
QUIET = {
    "Bexley",
    "Bromley",
    "City of London",
    "Havering",
    "Kingston upon Thames",
    "Richmond upon Thames",
    "Sutton",
}


def busyness(borough: str) -> str:
    return "busy" if borough in BUSY else "quiet" if borough in QUIET else "middle"
