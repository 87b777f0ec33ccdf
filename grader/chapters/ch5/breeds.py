"""The 37 breeds of the Oxford-IIIT Pet data set, as its file names spell them.

Cat breeds are capitalised, dog breeds lower case: the only thing in a file name that says the species.
"""

CAT_BREEDS = ["Abyssinian", "Bengal", "Birman", "Bombay", "British_Shorthair", "Egyptian_Mau",
              "Maine_Coon", "Persian", "Ragdoll", "Russian_Blue", "Siamese", "Sphynx"]
DOG_BREEDS = ["american_bulldog", "american_pit_bull_terrier", "basset_hound", "beagle", "boxer",
              "chihuahua", "english_cocker_spaniel", "english_setter", "german_shorthaired",
              "great_pyrenees", "havanese", "japanese_chin", "keeshond", "leonberger",
              "miniature_pinscher", "newfoundland", "pomeranian", "pug", "saint_bernard", "samoyed",
              "scottish_terrier", "shiba_inu", "staffordshire_bull_terrier", "wheaten_terrier",
              "yorkshire_terrier"]
