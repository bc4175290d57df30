-- placeholder, replaced below
return {}
