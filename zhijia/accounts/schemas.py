from ninja import Schema


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class RoleOut(Schema):
    role: str
    role_label: str
    union_id: int
    union_name: str

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_union_name(obj) -> str:
        return obj.union.name


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[RoleOut]
