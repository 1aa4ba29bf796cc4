from . import md_certificate_of_conformity
