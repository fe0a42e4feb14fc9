KB_SEARCH.shard(["de",{"democratic":[0,2],"destruction":[2,10]}]);
