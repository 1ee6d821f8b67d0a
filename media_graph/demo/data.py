"""The demo world seed_demo writes: accounts, follows, photos (as image recipes), likes,
comments and albums. Data only; the command writes it through the services."""

from dataclasses import dataclass

from media_graph.demo.images import Camera, DemoImage
from media_graph.models import Album

DEFAULT_PASSWORD = "demo-password-123"
EMAIL_DOMAIN = "demo.example.com"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    bio: str


USERS = [
    DemoUser("mila", "Mila Novak", "Landscapes at the edges of the day. Based in Ljubljana."),
    DemoUser("jonas", "Jonas Berg", "City lights, night trains and long exposures."),
    DemoUser("priya", "Priya Raman", "Kitchen tables, market stalls and whatever is in season."),
    DemoUser("theo", "Theo Laurent", "Stargazer with a tripod. Shapes and colours on weekends."),
]

FOLLOWS = [  # (follower, followee)
    ("mila", "jonas"),
    ("mila", "priya"),
    ("jonas", "mila"),
    ("priya", "mila"),
    ("priya", "theo"),
    ("theo", "mila"),
    ("theo", "jonas"),
]

FUJI = Camera("FUJIFILM", "X-T5", "XF16-80mmF4 R OIS WR")
SONY = Camera("SONY", "ILCE-7M4", "FE 24-70mm F2.8 GM II")
PIXEL = Camera("Google", "Pixel 8")
CANON = Camera("Canon", "Canon EOS R6", "RF15-35mm F2.8 L IS USM")


@dataclass(frozen=True)
class DemoPhoto:
    key: str  # how likes, comments and albums below refer to it
    owner: str
    caption: str
    alt_text: str
    image: DemoImage
    publish: bool = True


PHOTOS = [
    DemoPhoto(
        "bled-dawn",
        "mila",
        "First light over Lake Bled #sunrise #lake #slovenia",
        "An orange sun rising over calm water, glints on the surface.",
        DemoImage(
            scene="sunset",
            width=1200,
            height=800,
            top=(255, 170, 90),
            bottom=(40, 60, 120),
            accent=(255, 220, 120),
            seed=1,
            camera=FUJI,
            taken_at="2024:06:14 05:12:40",
            offset="+02:00",
            exposure=(1, 500),
            f_number=8.0,
            iso=160,
            focal_length=23.0,
            gps=(46.3625, 14.0936),
            altitude=475.0,
        ),
    ),
    DemoPhoto(
        "julian-alps",
        "mila",
        "Three ridges of the Julian Alps #mountains #slovenia #hiking",
        "Layered blue mountain ridges under a pale sky with a low moon.",
        DemoImage(
            scene="mountains",
            width=1200,
            height=800,
            top=(200, 220, 240),
            bottom=(150, 180, 210),
            accent=(60, 90, 140),
            seed=2,
            camera=FUJI,
            taken_at="2024:06:15 07:45:02",
            offset="+02:00",
            exposure=(1, 320),
            f_number=11.0,
            iso=200,
            focal_length=55.0,
            gps=(46.3783, 13.8369),
            altitude=2864.0,
        ),
    ),
    DemoPhoto(
        "pine-valley",
        "mila",
        "Pines all the way down #forest #hiking",
        "Dark green pine trees on a slope in morning haze.",
        DemoImage(
            scene="forest",
            width=800,
            height=1200,
            top=(220, 235, 225),
            bottom=(170, 200, 180),
            accent=(40, 110, 60),
            seed=3,
            camera=FUJI,
            taken_at="2024:06:16 08:03:11",
            offset="+02:00",
            exposure=(1, 125),
            f_number=5.6,
            iso=400,
            focal_length=35.0,
            orientation=6,  # held upright: stored sideways, turned by its EXIF
        ),
    ),
    DemoPhoto(
        "piran-dusk",
        "mila",
        "Dusk on the Adriatic from Piran #sunset #sea #slovenia",
        "A pink sun sinking into a purple sea.",
        DemoImage(
            scene="sunset",
            width=1000,
            height=1000,
            top=(240, 120, 160),
            bottom=(60, 30, 90),
            accent=(255, 180, 200),
            seed=4,
            camera=FUJI,
            taken_at="2024:07:02 20:51:30",
            offset="+02:00",
            exposure=(1, 250),
            f_number=8.0,
            iso=200,
            focal_length=50.0,
            gps=(45.5283, 13.5683),
        ),
    ),
    DemoPhoto(
        "rain-streets",
        "jonas",
        "Rain, neon, and nobody else #city #night #streetphotography",
        "Tall dark buildings with yellow lit windows under a violet sky.",
        DemoImage(
            scene="city",
            width=1200,
            height=800,
            top=(70, 40, 110),
            bottom=(20, 20, 45),
            accent=(255, 210, 90),
            seed=5,
            camera=SONY,
            taken_at="2024:03:09 22:18:45",
            offset="+01:00",
            exposure=(1, 60),
            f_number=2.8,
            iso=3200,
            focal_length=24.0,
            gps=(59.3293, 18.0686),
        ),
    ),
    DemoPhoto(
        "blue-hour",
        "jonas",
        "Blue hour downtown #city #bluehour",
        "Office towers against a deep blue evening sky, windows lit in white.",
        DemoImage(
            scene="city",
            width=1200,
            height=900,
            top=(40, 80, 160),
            bottom=(15, 30, 70),
            accent=(230, 240, 255),
            seed=6,
            camera=SONY,
            taken_at="2024:03:12 18:40:00",
            offset="+01:00",
            exposure=(1, 30),
            f_number=4.0,
            iso=1600,
            focal_length=35.0,
        ),
    ),
    DemoPhoto(
        "harbour-lines",
        "jonas",
        "Harbour water, four seconds long #sea #longexposure",
        "Smooth teal bands of water in a long exposure.",
        DemoImage(
            scene="waves",
            width=1200,
            height=675,
            top=(20, 70, 90),
            bottom=(5, 25, 40),
            accent=(80, 200, 200),
            seed=7,
            camera=SONY,
            taken_at="2024:04:01 21:05:10",
            offset="+02:00",
            exposure=(4, 1),
            f_number=16.0,
            iso=100,
            focal_length=70.0,
            gps=(59.3251, 18.0710),
        ),
    ),
    DemoPhoto(
        "market-citrus",
        "priya",
        "Saturday market haul #food #citrus #stilllife",
        "Oranges on a wooden table against a cream wall.",
        DemoImage(
            scene="still_life",
            width=1200,
            height=800,
            top=(250, 240, 220),
            bottom=(200, 160, 110),
            accent=(250, 150, 30),
            seed=8,
            camera=PIXEL,
            taken_at="2024:05:18 10:30:00",
            exposure=(1, 120),
            f_number=1.7,
            iso=64,
            focal_length=6.9,
        ),
    ),
    DemoPhoto(
        "plums",
        "priya",
        "Plums, finally in season #food #stilllife",
        "Dark purple plums on a grey stone table.",
        DemoImage(
            scene="still_life",
            width=900,
            height=900,
            top=(225, 225, 230),
            bottom=(120, 120, 130),
            accent=(120, 40, 110),
            seed=9,
            camera=PIXEL,
            taken_at="2024:08:03 17:12:09",
            exposure=(1, 200),
            f_number=1.7,
            iso=50,
            focal_length=6.9,
            format="WEBP",
        ),
    ),
    DemoPhoto(
        "herb-garden",
        "priya",
        "The balcony herb garden is out of control #garden #green",
        "Small green triangular shapes like herbs against a pale green background.",
        DemoImage(
            scene="forest",
            width=1200,
            height=800,
            top=(235, 245, 215),
            bottom=(200, 225, 170),
            accent=(70, 160, 70),
            seed=10,
            camera=PIXEL,
            taken_at="2024:07:21 09:00:55",
            exposure=(1, 250),
            f_number=1.7,
            iso=80,
            focal_length=6.9,
            gps=(51.5194, -0.1270),
        ),
    ),
    DemoPhoto(
        "milky-way",
        "theo",
        "Crescent moon and a sky full of stars #night #astrophotography",
        "A star-filled dark blue sky with a thin crescent moon above black hills.",
        DemoImage(
            scene="night",
            width=1200,
            height=800,
            top=(10, 20, 50),
            bottom=(30, 40, 80),
            accent=(245, 240, 200),
            seed=11,
            camera=CANON,
            taken_at="2024:08:11 23:47:20",
            offset="+01:00",
            exposure=(20, 1),
            f_number=2.8,
            iso=3200,
            focal_length=15.0,
            gps=(28.7606, -17.8814),
            altitude=2396.0,
        ),
    ),
    DemoPhoto(
        "shapes-red",
        "theo",
        "Shapes, mostly red #abstract #colour",
        "Red rings and rectangles scattered over a warm gradient.",
        DemoImage(
            scene="abstract",
            width=1000,
            height=1000,
            top=(255, 230, 200),
            bottom=(250, 180, 150),
            accent=(200, 30, 40),
            seed=12,
            camera=CANON,
            taken_at="2024:09:01 14:00:00",
            offset="+01:00",
            exposure=(1, 160),
            f_number=4.0,
            iso=100,
            focal_length=28.0,
        ),
    ),
    # Drafts: only their owners see them.
    DemoPhoto(
        "ridge-draft",
        "mila",
        "Not sure about this crop yet #mountains",
        "Grey-green mountain ridges at midday.",
        DemoImage(
            scene="mountains",
            width=1200,
            height=800,
            top=(230, 230, 220),
            bottom=(200, 205, 190),
            accent=(90, 110, 90),
            seed=13,
            camera=FUJI,
            taken_at="2024:06:15 12:30:00",
            offset="+02:00",
            exposure=(1, 1000),
            f_number=11.0,
            iso=125,
            focal_length=80.0,
            gps=(46.3800, 13.8400),
        ),
        publish=False,
    ),
    DemoPhoto(
        "shapes-blue",
        "theo",
        "Work in progress #abstract",
        "Blue circles and bars on a cold grey background.",
        DemoImage(
            scene="abstract",
            width=800,
            height=1000,
            top=(220, 230, 240),
            bottom=(170, 185, 205),
            accent=(30, 80, 200),
            seed=14,
            camera=CANON,
            taken_at="2024:09:02 15:10:00",
            offset="+01:00",
            exposure=(1, 200),
            f_number=4.0,
            iso=100,
            focal_length=28.0,
        ),
        publish=False,
    ),
]

LIKES = {  # photo: the users who like it
    "bled-dawn": ["jonas", "priya", "theo"],
    "julian-alps": ["priya", "theo"],
    "pine-valley": ["jonas"],
    "piran-dusk": ["jonas", "priya"],
    "rain-streets": ["mila", "theo"],
    "harbour-lines": ["mila"],
    "market-citrus": ["mila", "jonas"],
    "herb-garden": ["mila"],
    "milky-way": ["mila", "jonas", "priya"],
    "shapes-red": ["priya"],
}

COMMENTS = [  # (photo, author, text)
    ("bled-dawn", "jonas", "Worth the 4 a.m. alarm, clearly."),
    ("bled-dawn", "priya", "Those colours! Which lens?"),
    ("bled-dawn", "mila", "The 16-80, at 23 mm. Thank you both!"),
    ("rain-streets", "mila", "This feels like a film still."),
    ("market-citrus", "mila", "Now I want a lemon tart."),
    ("milky-way", "priya", "How long was the exposure?"),
    ("milky-way", "theo", "Twenty seconds at ISO 3200, tripod on a windy ridge."),
    ("julian-alps", "theo", "Love the layers."),
]

ALBUMS = [  # (owner, title, description, visibility, photos, cover)
    (
        "mila",
        "Slovenia, June",
        "A week between the lakes and the Julian Alps.",
        Album.Visibility.PUBLIC,
        ["bled-dawn", "julian-alps", "pine-valley", "piran-dusk", "ridge-draft"],
        "julian-alps",
    ),
    (
        "theo",
        "Ideas",
        "Shapes to try again. Just for me.",
        Album.Visibility.PRIVATE,
        ["shapes-red", "shapes-blue"],
        None,
    ),
]
