from enum import StrEnum


class OnedataService(StrEnum):
    OPP = "opp"
    OPW = "opw"
    OZP = "ozp"
    OZW = "ozw"

    def __str__(self) -> str:
        return str(self.value)
