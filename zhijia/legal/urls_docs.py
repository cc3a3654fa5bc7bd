urlpatterns: list = []  # 劳动法治体检 and 一函两书 pages are added here
