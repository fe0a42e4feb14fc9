KB_SEARCH.shard(["la",{"la":[0,2],"lao":[0,12],"laos":[0,2]}]);
